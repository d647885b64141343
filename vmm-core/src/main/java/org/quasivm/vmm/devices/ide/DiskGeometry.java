package org.quasivm.vmm.devices.ide;

/**
 * A cylinders/heads/sectors view of a disk. The default one is what BIOSes of the LBA era expect: 16 heads and 63
 * sectors per track, as many cylinders as fit (at most 16383, at least 1).
 */
public record DiskGeometry(int cylinders, int heads, int sectorsPerTrack) {

    public static final int MAX_CYLINDERS = 16383;

    public DiskGeometry {
        if (cylinders < 1 || cylinders > 65535 || heads < 1 || heads > 16 || sectorsPerTrack < 1
                || sectorsPerTrack > 255) {
            throw new IllegalArgumentException("impossible geometry " + cylinders + "/" + heads + "/"
                    + sectorsPerTrack);
        }
    }

    public static DiskGeometry forSectors(long sectors) {
        long cylinders = sectors / (16 * 63);
        return new DiskGeometry((int) Math.max(1, Math.min(MAX_CYLINDERS, cylinders)), 16, 63);
    }

    /** Sectors addressable through this geometry. */
    public long capacity() {
        return (long) cylinders * heads * sectorsPerTrack;
    }
}
