package org.quasivm.vmm.devices.floppy;

/**
 * A floppy format: tracks, sides, sectors per track (512-byte sectors) and the data rate the controller must be
 * set to (DSR/CCR code) to read it.
 */
public record FloppyGeometry(String name, int tracks, int heads, int sectorsPerTrack, int rate) {

    public static final int SECTOR_SIZE = 512;
    public static final int RATE_500K = 0;
    public static final int RATE_250K = 2;

    public static final FloppyGeometry HD_1440K = new FloppyGeometry("1.44 MB", 80, 2, 18, RATE_500K);
    public static final FloppyGeometry DD_720K = new FloppyGeometry("720 KB", 80, 2, 9, RATE_250K);

    public long bytes() {
        return (long) tracks * heads * sectorsPerTrack * SECTOR_SIZE;
    }

    /** The format of an image of {@code size} bytes. */
    public static FloppyGeometry ofImageSize(long size) {
        if (size == HD_1440K.bytes()) {
            return HD_1440K;
        }
        if (size == DD_720K.bytes()) {
            return DD_720K;
        }
        throw new IllegalArgumentException("not supported: a floppy image of " + size + " bytes (1.44 MB images are "
                + HD_1440K.bytes() + " bytes, 720 KB images " + DD_720K.bytes() + ")");
    }
}
