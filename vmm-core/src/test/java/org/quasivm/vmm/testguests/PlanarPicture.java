package org.quasivm.vmm.testguests;

/** What vga-planar.asm draws in mode 12h: 640x480 in the 16 standard colours, band by band (see its header). */
final class PlanarPicture {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;

    private PlanarPicture() {
    }

    static int colour(int x, int y) {
        if (y >= 16 && y < 112) {
            return x / 40;                                     // write mode 2 bars
        }
        if (y >= 128 && y < 192) {
            return (x & 7) == ((y + x / 8) & 7) ? 14 : 1;      // write mode 2 through the bit mask
        }
        if (y >= 200 && y < 264) {
            boolean plane2 = x < 320 || (x & 7) >= 4;          // FFh in bytes 0-39, 0Fh in bytes 40-79
            int colour = plane2 ? 5 : 1;
            if (y >= 232 && (x & 1) == 0) {
                colour |= 8;                                   // plane 3 written with AAh
            }
            return colour;
        }
        if (y >= 280 && y < 344) {
            return (x & 7) < 4 ? 14 : 2;                       // set/reset on planes 0-1, data F0h on 2-3
        }
        if (y >= 400 && y < 432) {
            return x / 40;                                     // rows 16-47 copied through the latches
        }
        if (y >= 448 && y < 464 && x >= 80 && x < 560) {
            return 1 ^ 15;                                     // XOR with set/reset 15
        }
        return 1;
    }

    static Screen render() {
        int[] colours = VgaPalette.sixteenColours();
        Screen screen = Screen.blank(WIDTH, HEIGHT);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                screen.set(x, y, colours[colour(x, y)]);
            }
        }
        return screen;
    }
}
