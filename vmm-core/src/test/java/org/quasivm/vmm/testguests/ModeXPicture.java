package org.quasivm.vmm.testguests;

/**
 * The two pages vga-modex.asm draws: 320x240 in 256 colours, each line scanned twice and each pixel two dots wide,
 * so 640x480 on the display with every pixel a 2x2 square.
 */
final class ModeXPicture {

    static final int WIDTH = 320;
    static final int HEIGHT = 240;

    private ModeXPicture() {
    }

    static int colour(int page, int x, int y) {
        if (x == 0 || x == WIDTH - 1 || y == 0 || y == HEIGHT - 1) {
            return 0xFF;
        }
        if (page == 0) {
            return (x / 16 + (y / 16) * 20) & 0xFF;
        }
        if (x == 160 || y == 120) {
            return 0x07;
        }
        return (y + x / 4) & 0xFF;
    }

    static Screen render(int page) {
        Screen screen = Screen.blank(2 * WIDTH, 2 * HEIGHT);
        for (int y = 0; y < 2 * HEIGHT; y++) {
            for (int x = 0; x < 2 * WIDTH; x++) {
                screen.set(x, y, VgaPalette.rgb332(colour(page, x / 2, y / 2)));
            }
        }
        return screen;
    }
}
