package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quasivm.templates.GuestTemplate;
import org.quasivm.vmm.config.DefinitionCodec;
import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        description = {
            "Creates a VM from a template. Fields the options do not set come from the template.",
            "",
            "Firmware: --kernel makes it 'linux' (direct boot; --initrd and --append go with it), --bios makes it "
                    + "'custom' (a ROM of 64 to 256 KiB ending at 4 GiB), otherwise it is SeaBIOS.",
            "Storage: --disk (a new image in the VM's disks/) or --attach (an existing image, format probed) becomes "
                    + "the primary master, the only hard disk; --iso becomes a CD-ROM on the secondary master.",
            "--disk SIZE[:FORMAT[:SUBFORMAT]] makes any writable format: raw, vmdk (monolithicSparse, "
                    + "monolithicFlat, twoGbMaxExtentSparse, twoGbMaxExtentFlat), vhd (dynamic, fixed), vdi "
                    + "(dynamic, fixed), qcow2 (v3, v2); left out, the template's size and format. --attach finds "
                    + "the image's format by its magic bytes (never its name) and records it in the definition.",
            "Files named on the command line are taken relative to the current directory and stored absolute."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm create web1 --template linux-i386 --memory 512 --disk 8G",
            "  quasivm create azure1 --template linux-x86_64 --disk 30G:vhd:fixed",
            "  quasivm create vbox1 --template linux-x86_64 --attach ~/vms/vbox1.vdi",
            "  quasivm create tiny --template linux-i386 --kernel vmlinuz --initrd initrd.gz --append console=ttyS0",
            "  quasivm create dos1 --template dos --attach ~/images/freedos.img"})
final class CreateCommand extends VmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "The new VM's name (letters, digits, '.', '_', '-').")
    String name;

    @Option(names = "--template", required = true, paramLabel = "ID",
            description = "Guest template (see 'quasivm templates').")
    String template;

    @Option(names = "--memory", paramLabel = "MiB", description = "Guest RAM in MiB (default: the template's).")
    Integer memory;

    @ArgGroup(exclusive = true)
    HardDisk hardDisk;

    static final class HardDisk {
        @Option(names = "--disk", arity = "0..1", fallbackValue = "", paramLabel = "SIZE[:FORMAT[:SUBFORMAT]]",
                description = "Create a new hard disk image (default size and format: the template's).")
        String newDisk;

        @Option(names = "--attach", paramLabel = "IMAGE", description = "Attach an existing disk image.")
        Path attach;
    }

    @Option(names = "--iso", paramLabel = "FILE", description = "Insert an ISO image in a CD-ROM drive.")
    Path iso;

    @Option(names = "--kernel", paramLabel = "FILE", description = "Boot this Linux kernel (bzImage) directly.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initial ramdisk for --kernel.")
    Path initrd;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "Kernel command line for --kernel.")
    String append;

    @Option(names = "--bios", paramLabel = "ROM", description = "Boot a custom ROM image instead of SeaBIOS.")
    Path bios;

    @Option(names = "--json", description = "Print the new definition as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Names.require(name);
        GuestTemplate t = root.templates().find(template).orElseThrow(() -> new CliFailure(ExitCodes.NOT_FOUND,
                "unknown template '" + template + "' (known: " + String.join(", ", root.templates().ids()) + ")"));
        if (kernel == null && (initrd != null || append != null)) {
            throw new CliFailure(ExitCodes.USAGE, "--initrd and --append need --kernel");
        }
        if (kernel != null && bios != null) {
            throw new CliFailure(ExitCodes.USAGE, "--kernel and --bios exclude each other");
        }
        VmRegistry registry = root.registry();
        DefinitionCodec codec = registry.codec();
        VmDefinition def = registry.create(name, staging -> {
            ObjectNode tree = t.defaults();
            tree.put("schemaVersion", VmDefinition.SCHEMA_VERSION);
            tree.put("name", name);
            tree.put("uuid", UUID.randomUUID().toString());
            tree.put("guestOs", t.id());
            if (memory != null) {
                tree.put("memoryMiB", memory);
            }
            firmware(tree);
            ObjectNode ide = (ObjectNode) tree.with("storage").with("ide");
            if (hardDisk != null && hardDisk.newDisk != null) {
                ide.set("primaryMaster", newDisk(staging, t));
            } else if (hardDisk != null && hardDisk.attach != null) {
                VmDisks.Attached attached = VmDisks.attach(absolute(hardDisk.attach));
                attached.warnings().forEach(w -> err().println("quasivm: warning: " + w));
                ide.set("primaryMaster", attached.slot());
            }
            if (iso != null) {
                ide.putObject("secondaryMaster").put("type", "cdrom").put("iso", absolute(iso));
            }
            return codec.bind(codec.withDefaults(tree, name), registry.definitionFile(name).toString(), staging);
        });
        if (json) {
            printJson(def);
        } else {
            out().printf("Created VM '%s' (%s) in %s%n", def.name(), def.uuid(), registry.vmDirectory(name));
        }
        return ExitCodes.OK;
    }

    private void firmware(ObjectNode tree) {
        if (kernel != null) {
            ObjectNode fw = tree.putObject("firmware").put("type", "linux").put("kernel", absolute(kernel));
            if (initrd != null) {
                fw.put("initrd", absolute(initrd));
            }
            fw.put("cmdline", append == null ? "" : append);
        } else if (bios != null) {
            tree.putObject("firmware").put("type", "custom").put("rom", absolute(bios));
        }
    }

    private ObjectNode newDisk(Path staging, GuestTemplate t) throws java.io.IOException {
        String spec = hardDisk.newDisk;
        String[] parts = spec.split(":", -1);
        String format = parts.length > 1 ? parts[1] : t.newDisk().format();
        String file = VmRegistry.DISKS + "/" + name + FormatNames.extension(FormatNames.parse(format, "--disk"));
        return VmDisks.create(staging.resolve(file), file, spec, t.newDisk().sizeMiB() << 20, t.newDisk().format());
    }

    private static String absolute(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }
}
