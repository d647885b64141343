package org.quasivm.vmm.testguests;

/** The colours the VGA guests load, as 24-bit RGB the way QEMU's display turns DAC values into pixels. */
final class VgaPalette {

    /** The attribute controller's palette in modes 3 and 12h: index 6 is brown (14h), 8-15 the bright 38h-3Fh. */
    static final int[] STANDARD_ATTRIBUTES = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F};

    private VgaPalette() {
    }

    /**
     * A 6-bit DAC level as an 8-bit channel, as QEMU computes it (hw/display/vga_int.h): the level shifted left by
     * two, with its lowest bit copied into the two new bits. 3Fh gives FFh, 2Ah gives A8h, 15h gives 57h.
     */
    static int expand6(int level) {
        int v = level & 0x3F;
        int low = v & 1;
        return v << 2 | low << 1 | low;
    }

    static int rgb(int red6, int green6, int blue6) {
        return expand6(red6) << 16 | expand6(green6) << 8 | expand6(blue6);
    }

    /** DAC entries 0-63 as vga_ega_palette loads them: index bits rgbRGB, capitals worth 2Ah, small letters 15h. */
    static int ega(int index) {
        return rgb(level(index, 2), level(index, 1), level(index, 0));
    }

    private static int level(int index, int bit) {
        return ((index >> bit) & 1) * 0x2A + ((index >> (bit + 3)) & 1) * 0x15;
    }

    /** The 16 colours of modes 3 and 12h: the standard attribute palette into the EGA DAC entries. */
    static int[] sixteenColours() {
        int[] colours = new int[16];
        for (int i = 0; i < 16; i++) {
            colours[i] = ega(STANDARD_ATTRIBUTES[i]);
        }
        return colours;
    }

    /** DAC entries 0-255 as vga_rgb332_palette loads them: red (i & 7) * 9, green ((i >> 3) & 7) * 9, blue (i >> 6) * 21. */
    static int rgb332(int index) {
        return rgb((index & 7) * 9, ((index >> 3) & 7) * 9, (index >> 6) * 21);
    }
}
