package org.quasivm.vmm.testguests;

/**
 * What vga-mode13.asm draws: 320x200 in 256 colours. A VGA scans each mode-13h line twice and each pixel lasts two
 * dot clocks, so the display (and QEMU's screendump) is 640x400 with every pixel a 2x2 square.
 */
final class Mode13Picture {

    static final int WIDTH = 320;
    static final int HEIGHT = 200;

    private Mode13Picture() {
    }

    /** The guest's rules, later ones winning (see the header of vga-mode13.asm). */
    static int colour(int x, int y) {
        if (x == 0 || x == WIDTH - 1 || y == 0 || y == HEIGHT - 1) {
            return 0xFF;
        }
        if (x - 60 == y) {
            return 0x3F;
        }
        if (x >= 20 && x < 60 && y >= 20 && y < 60) {
            return 0xE0;
        }
        return (x ^ y) & 0xFF;
    }

    static Screen render() {
        Screen screen = Screen.blank(2 * WIDTH, 2 * HEIGHT);
        for (int y = 0; y < 2 * HEIGHT; y++) {
            for (int x = 0; x < 2 * WIDTH; x++) {
                screen.set(x, y, VgaPalette.rgb332(colour(x / 2, y / 2)));
            }
        }
        return screen;
    }
}
