package org.quasivm.vmm.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.config.DefinitionValidator;
import org.quasivm.vmm.config.FloppyDrive;
import org.quasivm.vmm.config.IdeSlot;
import org.quasivm.vmm.config.StorageConfig;
import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.devices.dma.IsaDma;
import org.quasivm.vmm.devices.floppy.FloppyPlug;
import org.quasivm.vmm.devices.ide.IdePlug;
import org.quasivm.vmm.devices.ide.IdePosition;
import org.quasivm.vmm.storage.ImageInUseException;
import org.quasivm.vmm.storage.ImageLock;
import org.quasivm.vmm.storage.LockedImage;

/**
 * Opens the images a definition's {@code storage} names — each claimed for this VM (exclusive if written, shared if
 * only read) and opened in its declared format, never probed; ISOs and floppy images are raw — and builds the IDE,
 * floppy and DMA plugs around them. Any failure closes what was already opened and names the definition field.
 */
public final class DefinitionStorage {

    /** The storage controllers of one VM; closing it closes every image (a no-op once the board has). */
    public record Plugs(IsaDma dma, FloppyPlug floppy, IdePlug ide) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                ide.close();
            } finally {
                floppy.close();
            }
        }
    }

    private DefinitionStorage() {
    }

    public static Plugs open(VmDefinition def, Path vmDir, VmLog log) throws LaunchException {
        List<LockedImage> opened = new ArrayList<>();
        try {
            StorageConfig s = def.storage();
            IdePlug ide = new IdePlug();
            slot(ide, IdePosition.PRIMARY_MASTER, s.ide().primaryMaster(), def, vmDir, log, opened);
            slot(ide, IdePosition.PRIMARY_SLAVE, s.ide().primarySlave(), def, vmDir, log, opened);
            slot(ide, IdePosition.SECONDARY_MASTER, s.ide().secondaryMaster(), def, vmDir, log, opened);
            slot(ide, IdePosition.SECONDARY_SLAVE, s.ide().secondarySlave(), def, vmDir, log, opened);
            IsaDma dma = new IsaDma();
            FloppyPlug floppy = new FloppyPlug(dma);
            floppy(floppy, 0, "storage.floppy.a", s.floppy().a(), def, vmDir, log, opened);
            floppy(floppy, 1, "storage.floppy.b", s.floppy().b(), def, vmDir, log, opened);
            return new Plugs(dma, floppy, ide);
        } catch (LaunchException | RuntimeException e) {
            for (LockedImage image : opened) {
                try {
                    image.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    private static void slot(IdePlug ide, IdePosition position, IdeSlot slot, VmDefinition def, Path vmDir,
                             VmLog log, List<LockedImage> opened) throws LaunchException {
        String field = "storage.ide." + position.definitionName();
        if (slot instanceof IdeSlot.Disk disk) {
            boolean readOnly = Boolean.TRUE.equals(disk.readOnly());
            LockedImage image = open(field + ".image", vmDir, disk.image(), ImageFormat.valueOf(
                    disk.format().name()), !readOnly, def.name(), log, opened);
            try {
                ide.disk(position, image, readOnly);
            } catch (IllegalArgumentException e) {
                throw new LaunchException(LaunchException.Kind.INVALID, field + ".image: " + e.getMessage(), e);
            }
        } else if (slot instanceof IdeSlot.Cdrom cd) {
            ide.cdrom(position, cd.iso() == null ? null
                    : open(field + ".iso", vmDir, cd.iso(), ImageFormat.RAW, false, def.name(), log, opened));
        }
    }

    private static void floppy(FloppyPlug plug, int unit, String field, FloppyDrive drive, VmDefinition def,
                               Path vmDir, VmLog log, List<LockedImage> opened) throws LaunchException {
        if (drive instanceof FloppyDrive.Image img) {
            boolean readOnly = Boolean.TRUE.equals(img.readOnly());
            LockedImage image = open(field + ".image", vmDir, img.image(), ImageFormat.RAW, !readOnly, def.name(),
                    log, opened);
            try {
                plug.image(unit, image, readOnly);
            } catch (IllegalArgumentException e) {
                throw new LaunchException(LaunchException.Kind.INVALID, field + ".image: " + e.getMessage(), e);
            }
        }
    }

    private static LockedImage open(String field, Path vmDir, String file, ImageFormat format, boolean writable,
                                    String vmName, VmLog log, List<LockedImage> opened) throws LaunchException {
        Path path = DefinitionValidator.resolve(vmDir, file);
        try {
            LockedImage image = LockedImage.open(path, format, writable, vmName);
            opened.add(image);
            for (ImageLock lock : image.locks()) {
                if (!lock.named()) {
                    log.line(field + ": " + lock.image() + " is read without a lock file (its directory is "
                            + "read-only)");
                }
            }
            return image;
        } catch (ImageInUseException e) {
            throw new LaunchException(LaunchException.Kind.IN_USE, field + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Kind.IO, field + ": " + e.getMessage(), e);
        }
    }
}
