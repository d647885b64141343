package org.quasivm.vmm.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.quasivm.vmm.config.DefinitionEdit;
import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "set", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Changes fields of a VM's definition, or replaces it whole with --file. The result is validated before "
                    + "it is written; if it is invalid nothing changes. Concurrent changes from several processes "
                    + "are serialized, so none is lost.",
            "",
            "KEY is a dotted path in the definition (see 'quasivm show VM --json'). VALUE is read as the field is "
                    + "typed; typed objects accept a short form TYPE[:ARG]; any value may be given as JSON. "
                    + "Host files (image, iso, kernel, initrd, rom, bios) are relative to the current directory."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm set web1 memoryMiB=1024 cpu.executor=software clock=deterministic",
            "  quasivm set web1 bootOrder=disk,cdrom,floppy",
            "  quasivm set web1 storage.ide.secondaryMaster=cdrom:debian.iso serial.com1=file:logs/com1.log",
            "  quasivm set web1 firmware=linux:vmlinuz firmware.initrd=initrd.gz \"firmware.cmdline=console=ttyS0\"",
            "  quasivm set web1 --file web1.json"})
final class SetCommand extends VmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VM")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE", description = "Fields to change.")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--file", paramLabel = "DEF.json", description = "Replace the whole definition "
            + "(name and uuid may be left out; they cannot change).")
    Path file;

    @Option(names = "--json", description = "Print the resulting definition as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        VmRegistry registry = root.registry();
        VmDefinition result;
        if ((file == null) == assignments.isEmpty()) {
            throw new CliFailure(ExitCodes.USAGE, "give either KEY=VALUE changes or --file DEF.json");
        }
        if (file != null) {
            byte[] content = Files.readAllBytes(file);
            result = registry.replace(name, content, file.toString());
        } else {
            List<DefinitionEdit> edits = new ArrayList<>();
            for (String a : assignments) {
                try {
                    edits.add(DefinitionEdit.parse(a));
                } catch (IllegalArgumentException e) {
                    throw new CliFailure(ExitCodes.USAGE, e.getMessage());
                }
            }
            Path cwd = Path.of("").toAbsolutePath();
            result = registry.modify(name, tree -> {
                for (DefinitionEdit e : edits) {
                    try {
                        e.apply(tree, cwd, VmDisks::formatOf);
                    } catch (IllegalArgumentException ex) {
                        throw new CliFailure(ExitCodes.USAGE, e.key() + ": " + ex.getMessage());
                    }
                }
            });
        }
        if (json) {
            out().print(new String(registry.codec().write(result), StandardCharsets.UTF_8));
        } else {
            out().printf("Updated VM '%s'%n", result.name());
        }
        return ExitCodes.OK;
    }
}
