package org.quasivm.vmm.devices.vga;

/**
 * The colours pixel values stand for, recomputed on every refresh: {@link #byDacIndex} for 8-bit pixels (the DAC
 * behind the pixel mask) and {@link #byAttribute} for 4-bit pixels (attribute palette, colour plane enable and
 * colour select in front of that).
 */
final class ColourTables {

    final int[] byDacIndex = new int[256];
    final int[] byAttribute = new int[16];

    /** Recomputes both tables; returns whether any colour differs from the previous call. */
    boolean update(AttributeController attribute, Dac dac) {
        boolean changed = false;
        int mask = dac.pixelMask();
        for (int i = 0; i < 256; i++) {
            int c = dac.argb(i & mask);
            if (byDacIndex[i] != c) {
                byDacIndex[i] = c;
                changed = true;
            }
        }
        for (int p = 0; p < 16; p++) {
            int c = byDacIndex[attribute.dacIndex(p) & 0xFF];
            if (byAttribute[p] != c) {
                byAttribute[p] = c;
                changed = true;
            }
        }
        return changed;
    }
}
