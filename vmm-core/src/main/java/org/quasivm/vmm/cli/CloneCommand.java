package org.quasivm.vmm.cli;

import java.util.concurrent.Callable;

import org.quasivm.vmm.config.VmDefinition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "clone", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Copies a VM under a new name with a new uuid: its definition and the disk images it owns "
                + "(those inside its directory), sparse files kept sparse. Images outside the VM's directory are "
                + "shared, not copied. Logs and snapshots are not copied.")
final class CloneCommand extends VmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE")
    String source;

    @Parameters(index = "1", paramLabel = "NAME")
    String target;

    @Option(names = "--json", description = "Print the new definition as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Names.require(target);
        VmDefinition def = root.registry().cloneVm(source, target);
        if (json) {
            printJson(def);
        } else {
            out().printf("Cloned VM '%s' to '%s' (%s)%n", source, def.name(), def.uuid());
        }
        return ExitCodes.OK;
    }
}
