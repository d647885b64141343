package org.quasivm.vmm.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rename", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Renames a VM: its directory, its definition file and the name inside it. Paths inside the "
                + "definition are relative to the VM's directory, so its own disks follow it.")
final class RenameCommand extends VmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VM")
    String name;

    @Parameters(index = "1", paramLabel = "NEW-NAME")
    String newName;

    @Override
    public Integer call() throws Exception {
        Names.require(newName);
        root.registry().rename(name, newName);
        out().printf("Renamed VM '%s' to '%s'%n", name, newName);
        return ExitCodes.OK;
    }
}
