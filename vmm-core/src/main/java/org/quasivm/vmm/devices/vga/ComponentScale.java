package org.quasivm.vmm.devices.vga;

/** Colour components of fewer than 8 bits scaled to 8-bit intensities, rounded to nearest. */
final class ComponentScale {

    private ComponentScale() {
    }

    /** {@code table[v] = round(v × 255 / (2^bits − 1))} for every {@code bits}-bit value. */
    static int[] table(int bits) {
        int max = (1 << bits) - 1;
        int[] table = new int[max + 1];
        for (int v = 0; v <= max; v++) {
            table[v] = (v * 255 + max / 2) / max;
        }
        return table;
    }
}
