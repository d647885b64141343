package org.quasivm.vmm.cli;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Shows a VM's definition, with every field its template supplies filled in.")
final class ShowCommand extends VmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VM")
    String name;

    @Option(names = "--json", description = "Print the definition as JSON (the same schema as the file).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        VmRegistry registry = root.registry();
        VmDefinition def = registry.load(name);
        if (json) {
            out().print(new String(registry.codec().write(def), StandardCharsets.UTF_8));
            return ExitCodes.OK;
        }
        out().printf("Name:        %s%n", def.name());
        out().printf("UUID:        %s%n", def.uuid());
        out().printf("Guest OS:    %s%n", def.guestOs());
        if (def.description() != null) {
            out().printf("Description: %s%n", def.description());
        }
        out().printf("Directory:   %s%n", registry.vmDirectory(name));
        out().printf("Memory:      %d MiB%n", def.memoryMiB());
        out().printf("Executor:    %s%n", def.cpu().executor().json());
        out().printf("Firmware:    %s%n", Describe.firmware(def.firmware()));
        out().printf("Boot order:  %s%n", String.join(", ", def.bootOrder().stream().map(b -> b.json()).toList()));
        var ide = def.storage().ide();
        out().printf("IDE 0:0:     %s%n", Describe.ide(ide.primaryMaster()));
        out().printf("IDE 0:1:     %s%n", Describe.ide(ide.primarySlave()));
        out().printf("IDE 1:0:     %s%n", Describe.ide(ide.secondaryMaster()));
        out().printf("IDE 1:1:     %s%n", Describe.ide(ide.secondarySlave()));
        out().printf("Floppy A:    %s%n", Describe.floppy(def.storage().floppy().a()));
        out().printf("Floppy B:    %s%n", Describe.floppy(def.storage().floppy().b()));
        out().printf("Display:     VGA, %d MiB%n", def.display().vgaMemoryMiB());
        out().printf("COM1:        %s%n", Describe.serial(def.serial().com1()));
        out().printf("COM2:        %s%n", Describe.serial(def.serial().com2()));
        out().printf("Debug log:   firmware %s, POST codes %s%n", onOff(def.debug().firmwareLog()),
                onOff(def.debug().postCodes()));
        out().printf("Clock:       %s%n", def.clock().json());
        out().printf("Snapshot:    %s%n", def.currentSnapshot() == null ? "none" : def.currentSnapshot());
        return ExitCodes.OK;
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }
}
