package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.convert.ConvertOptions;
import org.quasivm.disk.ova.Appliances;
import org.quasivm.disk.ova.ImportedAppliance;
import org.quasivm.disk.ova.OvfAppliance;
import org.quasivm.templates.GuestTemplate;
import org.quasivm.vmm.config.DefinitionCodec;
import org.quasivm.vmm.config.DefinitionValidator;
import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Creates a VM from an appliance exported by VirtualBox, VMware or another OVF tool: an .ova, or an "
                    + ".ovf with its files beside it. The package is verified against its manifest (SHA-1, SHA-256 "
                    + "or SHA-512), every disk is converted into the new VM's disks/, and the definition is made "
                    + "from the appliance's guest OS type (mapped to a template), memory and disks; the disks go "
                    + "onto the IDE drives in order (primary master, primary slave, secondary slave, then secondary "
                    + "master in place of the CD-ROM).",
            "",
            "What QuasiVM does not take over is reported as a warning: network adapters, more than one CPU, "
                    + "SCSI or SATA controllers (their disks are attached to IDE: the guest needs IDE drivers).",
            "",
            "Nothing appears until the import is complete: a failure or Ctrl-C leaves no VM and no files. Other "
                    + "changes to VMs in the same home wait until the import ends."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm import debian.ova",
            "  quasivm import ~/exports/photon.ovf --name photon1 --format qcow2",
            "  quasivm import appliance.ova --template linux-i386"})
final class ImportCommand extends VmCommand implements Callable<Integer> {

    /** The IDE positions imported disks take, in order; the last one displaces the template's CD-ROM drive. */
    private static final List<String> SLOTS = List.of("primaryMaster", "primarySlave", "secondarySlave",
            "secondaryMaster");
    private static final List<String> SLOT_NAMES = List.of("primary master", "primary slave", "secondary slave",
            "secondary master");

    @Parameters(index = "0", paramLabel = "FILE", description = "The .ova, or the .ovf with its files beside it.")
    Path source;

    @Option(names = "--name", paramLabel = "NAME", description = "The new VM's name (default: the appliance's, "
            + "with characters a VM name cannot hold replaced by '_').")
    String name;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Format of the imported disks: raw, vmdk, vhd, "
            + "vdi or qcow2 (default: the template's, e.g. vmdk).")
    String format;

    @Option(names = "--subformat", paramLabel = "NAME", description = "Variant of that format (e.g. vhd fixed).")
    String subformat;

    @Option(names = "--template", paramLabel = "ID", description = "Use this template instead of the one mapped "
            + "from the appliance's guest OS type.")
    String template;

    @Option(names = "--json", description = "Print the new definition as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        OvfAppliance app = ImageErrors.run(() -> Appliances.describe(source));
        String vm = name != null ? name : vmName(app.name());
        Names.require(vm);
        String templateId = template != null ? template : OvfGuestTypes.template(app.osType(), app.cimOsId());
        GuestTemplate t = root.templates().find(templateId).orElseThrow(() -> new CliFailure(ExitCodes.NOT_FOUND,
                "unknown template '" + templateId + "' (known: " + String.join(", ", root.templates().ids()) + ")"));
        ImageFormat f = FormatNames.parse(format != null ? format : t.newDisk().format(), "--format");
        String sub = FormatNames.subformat(f, subformat, "--subformat");
        if (sub.equals("streamOptimized")) {
            throw new CliFailure(ExitCodes.USAGE, "--subformat: a VM's disk cannot be streamOptimized (it is not "
                    + "writable in place)");
        }
        if (app.disks().size() > SLOTS.size()) {
            throw new CliFailure(ExitCodes.UNSUPPORTED, source + ": the appliance has " + app.disks().size()
                    + " disks; a QuasiVM VM has at most " + SLOTS.size() + " IDE drives");
        }
        List<String> notes = notes(app, t);
        long memory = memoryOf(app, t, notes);
        VmRegistry registry = root.registry();
        DefinitionCodec codec = registry.codec();
        List<ImportedAppliance> imported = new ArrayList<>(1);
        VmDefinition def = DiskWork.run(err(), "importing", "imported", (progress, cancel) ->
                registry.create(vm, staging -> {
                    ImportedAppliance result = Appliances.importAppliance(source, staging.resolve(VmRegistry.DISKS),
                            vm, ConvertOptions.to(f, sub), progress, cancel);
                    imported.add(result);
                    ObjectNode tree = t.defaults();
                    tree.put("schemaVersion", VmDefinition.SCHEMA_VERSION);
                    tree.put("name", vm);
                    tree.put("uuid", UUID.randomUUID().toString());
                    tree.put("guestOs", t.id());
                    tree.put("memoryMiB", memory);
                    ObjectNode ide = (ObjectNode) tree.with("storage").with("ide");
                    for (int i = 0; i < result.diskImages().size(); i++) {
                        ide.putObject(SLOTS.get(i)).put("type", "disk")
                                .put("image", VmRegistry.DISKS + "/" + result.diskImages().get(i).getFileName())
                                .put("format", f.id()).put("readOnly", false);
                    }
                    return codec.bind(codec.withDefaults(tree, vm), registry.definitionFile(vm).toString(),
                            staging);
                }));
        ImportedAppliance result = imported.get(0);
        if (result.diskImages().size() == SLOTS.size()) {
            notes.add("the fourth disk takes the secondary master, so the VM has no CD-ROM drive");
        }
        for (String w : result.warnings()) {
            err().println("quasivm: warning: " + w);
        }
        for (String n : notes) {
            err().println("quasivm: warning: " + n);
        }
        if (json) {
            printJson(def);
            return ExitCodes.OK;
        }
        out().printf("Imported '%s' as VM '%s' (template %s, %d MiB) in %s%n", app.name(), vm, t.id(), memory,
                registry.vmDirectory(vm));
        for (int i = 0; i < result.diskImages().size(); i++) {
            out().printf("  %-17s %s/%s (%s, %s)%n", SLOT_NAMES.get(i) + ":", VmRegistry.DISKS,
                    result.diskImages().get(i).getFileName(), FormatNames.describe(f, sub),
                    Sizes.human(app.disks().get(i).capacityBytes()));
        }
        return ExitCodes.OK;
    }

    /** What the definition cannot carry over, beyond the package's own warnings. */
    private List<String> notes(OvfAppliance app, GuestTemplate t) {
        List<String> notes = new ArrayList<>();
        if (app.cpus() > 1) {
            notes.add(app.cpus() + " virtual CPUs are not imported: QuasiVM VMs have one");
        }
        if (template == null && t.id().equals("blank")) {
            notes.add("guest OS '" + (app.osType() == null ? "unknown" : app.osType()) + "' has no QuasiVM "
                    + "template: the VM uses 'blank' (choose one with --template)");
        }
        return notes;
    }

    private static long memoryOf(OvfAppliance app, GuestTemplate t, List<String> notes) {
        long templateMemory = t.defaults().path("memoryMiB").asLong(64);
        if (app.memoryMiB() <= 0) {
            notes.add("the appliance gives no memory size: the VM has the template's " + templateMemory + " MiB");
            return templateMemory;
        }
        if (app.memoryMiB() > DefinitionValidator.MAX_MEMORY_MIB) {
            notes.add(app.memoryMiB() + " MiB of memory is more than a QuasiVM VM has: the VM has "
                    + DefinitionValidator.MAX_MEMORY_MIB + " MiB");
            return DefinitionValidator.MAX_MEMORY_MIB;
        }
        return app.memoryMiB();
    }

    /** An appliance name as a VM name: letters, digits, '.', '_', '-'; starting with a letter or digit. */
    static String vmName(String applianceName) {
        String s = applianceName == null ? "" : applianceName.replaceAll("[^A-Za-z0-9._-]", "_");
        s = s.replaceAll("^[^A-Za-z0-9]+", "");
        if (s.length() > 64) {
            s = s.substring(0, 64);
        }
        return s.isEmpty() ? "appliance" : s;
    }
}
