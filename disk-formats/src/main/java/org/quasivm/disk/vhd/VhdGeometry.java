package org.quasivm.disk.vhd;

/** CHS geometry as stored in a VHD footer. Advisory for BIOSes; the footer's current size is the disk size. */
public record VhdGeometry(int cylinders, int heads, int sectorsPerTrack) {
    private static final long MAX_SECTORS = 65535L * 16 * 255;

    public long bytes() {
        return (long) cylinders * heads * sectorsPerTrack * 512;
    }

    /** The largest geometry the field can hold; it says "the size is in the current-size field". */
    public boolean isMaximum() {
        return cylinders == 65535 && heads == 16 && sectorsPerTrack == 255;
    }

    /**
     * The geometry the VHD specification's algorithm gives for a disk of {@code totalSectors} sectors. It rounds
     * down, so the product may be a little smaller than the disk.
     */
    public static VhdGeometry forSectors(long totalSectors) {
        long total = Math.min(totalSectors, MAX_SECTORS);
        int spt;
        int heads;
        long cylTimesHeads;
        if (total >= 65535L * 16 * 63) {
            spt = 255;
            heads = 16;
            cylTimesHeads = total / spt;
        } else {
            spt = 17;
            cylTimesHeads = total / spt;
            heads = (int) Math.max(4, (cylTimesHeads + 1023) / 1024);
            if (cylTimesHeads >= heads * 1024L || heads > 16) {
                spt = 31;
                heads = 16;
                cylTimesHeads = total / spt;
            }
            if (cylTimesHeads >= heads * 1024L) {
                spt = 63;
                heads = 16;
                cylTimesHeads = total / spt;
            }
        }
        return new VhdGeometry((int) (cylTimesHeads / heads), heads, spt);
    }
}
