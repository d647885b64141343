package org.quasivm.vmm.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ova.Appliances;
import org.quasivm.disk.ova.ExportSpec;
import org.quasivm.vmm.config.IdeSlot;
import org.quasivm.vmm.config.StorageConfig;
import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Exports a VM as an .ova appliance that VirtualBox, VMware and qemu-img read: an OVF 1.0 descriptor "
                    + "(name, guest OS type, memory, one CPU, the IDE disks), each hard disk converted to a "
                    + "streamOptimized VMDK (compressed on every core; a disk with a parent chain is exported "
                    + "flattened), and a SHA-256 manifest.",
            "",
            "The VM must not be running (its disks must not be in use). FILE must not exist; it appears only when "
                    + "complete, so a failure or Ctrl-C leaves nothing. The disks are exported in IDE order "
                    + "(primary master first): the boot disk should be the primary master."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm export web1 web1.ova",
            "  quasivm export demo /srv/share/demo.ova"})
final class ExportCommand extends VmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VM")
    String name;

    @Parameters(index = "1", paramLabel = "FILE.ova")
    Path ova;

    @Override
    public Integer call() throws Exception {
        VmRegistry registry = root.registry();
        VmDefinition def = registry.load(name);
        Path dir = registry.vmDirectory(name);
        List<ExportSpec.Disk> disks = new ArrayList<>();
        StorageConfig.Ide ide = def.storage().ide();
        for (IdeSlot slot : List.of(ide.primaryMaster(), ide.primarySlave(), ide.secondaryMaster(),
                ide.secondarySlave())) {
            if (slot instanceof IdeSlot.Disk d) {
                disks.add(new ExportSpec.Disk(dir.resolve(d.image()).normalize(), ImageFormat.parse(d.format().json())));
            }
        }
        if (disks.isEmpty()) {
            throw new CliFailure(ExitCodes.UNSUPPORTED, "VM '" + name + "' has no hard disk to export");
        }
        if (Files.exists(ova)) {
            throw new CliFailure(ExitCodes.CONFLICT, ova + ": file already exists");
        }
        ExportSpec spec = new ExportSpec(def.name(), def.memoryMiB(), 1, OvfGuestTypes.osType(def.guestOs()), disks);
        List<FileLock> locks = new ArrayList<>();
        try {
            for (ExportSpec.Disk d : disks) {
                for (String f : ImageErrors.run(() -> DiskImages.info(d.path(), d.format())).files()) {
                    locks.add(readLock(Path.of(f)));
                }
            }
            DiskWork.run(err(), "exporting", "exported", (progress, cancel) -> {
                Appliances.exportAppliance(spec, ova, progress, cancel);
                return null;
            });
        } finally {
            for (FileLock l : locks) {
                l.channel().close();
            }
        }
        out().printf("Exported VM '%s' to %s (%d %s as streamOptimized VMDK, %s)%n", name, ova, disks.size(),
                disks.size() == 1 ? "disk" : "disks", Sizes.human(Files.size(ova)));
        return ExitCodes.OK;
    }

    /** A shared lock: refused while a VM (this or another process) holds the image open for writing. */
    private static FileLock readLock(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = ch.tryLock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new CliFailure(ExitCodes.CONFLICT, file.getFileName() + ": in use: a running VM writes it; "
                    + "export it when the VM is stopped");
        }
        return lock;
    }
}
