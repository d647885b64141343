package org.quasivm.vmm.devices.vga;

/** Expected colours, computed independently of the renderer: analog DAC levels rounded to 8 bits. */
final class Colours {

    private Colours() {
    }

    static int six(int v) {
        return (int) Math.round((v & 0x3F) * 255.0 / 63.0);
    }

    static int five(int v) {
        return (int) Math.round((v & 0x1F) * 255.0 / 31.0);
    }

    static int rgb(int r, int g, int b) {
        return 0xFF00_0000 | r << 16 | g << 8 | b;
    }

    /** The test palette: DAC entry {@code i} holds these 6-bit components. */
    static int red(int i) {
        return (i * 5 + 3) & 0x3F;
    }

    static int green(int i) {
        return (i * 11 + 7) & 0x3F;
    }

    static int blue(int i) {
        return (i * 29 + 1) & 0x3F;
    }

    /** DAC entry {@code i} of the test palette as the screen shows it. */
    static int dac(int i) {
        return rgb(six(red(i)), six(green(i)), six(blue(i)));
    }

    static void loadTestPalette(VgaBench bench) {
        for (int i = 0; i < 256; i++) {
            bench.dac(i, red(i), green(i), blue(i));
        }
    }
}
