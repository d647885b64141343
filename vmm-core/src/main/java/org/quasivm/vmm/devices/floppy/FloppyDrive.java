package org.quasivm.vmm.devices.floppy;

import java.util.Objects;

import org.quasivm.disk.BlockDevice;

/**
 * A 3.5" drive: 1.44 MB (CMOS type 4, reads 1.44 MB and 720 KB media) or 720 KB (type 3). It holds the head
 * position, the medium (an image file) with its write-protect tab, and the disk change line, which goes active
 * when a medium leaves or enters and is reset by a step pulse with a medium in the drive.
 */
public final class FloppyDrive {

    public enum Type {
        DD_720K(3), HD_1440K(4);

        private final int cmosCode;

        Type(int cmosCode) {
            this.cmosCode = cmosCode;
        }

        public int cmosCode() {
            return cmosCode;
        }
    }

    private final Type type;
    private BlockDevice medium;
    private FloppyGeometry geometry;
    private boolean writeProtected;
    private boolean diskChanged = true;   // a drive powers up with the line active
    int cylinder;

    public FloppyDrive(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public Type type() {
        return type;
    }

    /**
     * Inserts {@code image} and returns the medium it replaces (the caller closes it).
     *
     * @throws IllegalArgumentException if the image is not a floppy size this drive reads
     */
    public BlockDevice insert(BlockDevice image, boolean readOnly) {
        FloppyGeometry g = FloppyGeometry.ofImageSize(image.size());
        if (type == Type.DD_720K && g != FloppyGeometry.DD_720K) {
            throw new IllegalArgumentException("not supported: a " + g.name() + " image in a 720 KB drive");
        }
        BlockDevice old = medium;
        medium = image;
        geometry = g;
        writeProtected = readOnly || image.isReadOnly();
        diskChanged = true;
        return old;
    }

    /** Takes the medium out and returns it (the caller closes it), or null. */
    public BlockDevice eject() {
        BlockDevice old = medium;
        medium = null;
        geometry = null;
        if (old != null) {
            diskChanged = true;
        }
        return old;
    }

    public boolean hasMedium() {
        return medium != null;
    }

    BlockDevice medium() {
        return medium;
    }

    FloppyGeometry geometry() {
        return geometry;
    }

    public boolean isWriteProtected() {
        return medium != null && writeProtected;
    }

    public boolean diskChanged() {
        return diskChanged;
    }

    /** Moves the head to {@code target}; a step with a medium inside resets the disk change line. */
    void seek(int target) {
        if (target != cylinder && medium != null) {
            diskChanged = false;
        }
        cylinder = target;
    }
}
