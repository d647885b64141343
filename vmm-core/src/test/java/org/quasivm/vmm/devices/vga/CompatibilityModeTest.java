package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.display.Frame;

/** The CGA, EGA and MDA compatibility modes, with the register values the VGA BIOS programs for them. */
class CompatibilityModeTest {

    private final VgaBench bench = new VgaBench();

    private static int colour(VgaModeTable mode, int pixel) {
        return Colours.dac(mode.attribute()[pixel]);
    }

    @Test
    void mode6ShowsOneBitPixelsFromPlaneZeroInScanLineBanks() {
        bench.setMode(VgaModeTable.MODE_06);
        Colours.loadTestPalette(bench);
        for (int y = 0; y < 200; y++) {
            long line = 0xB8000 + (y & 1) * 0x2000 + (y >> 1) * 80;
            for (int xb = 0; xb < 80; xb++) {
                bench.poke(line + xb, (xb * 7 + y * 3) & 0xFF);
            }
        }
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(640, frame.width());
        assertEquals(400, frame.height());
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 640; x++) {
                int bits = (x / 8 * 7 + y / 2 * 3) & 0xFF;
                int pixel = (bits >> (7 - x % 8)) & 1;
                assertEquals(colour(VgaModeTable.MODE_06, pixel), frame.pixel(x, y), "(" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void mode0dDoublesSixteenColourPixelsBothWays() {
        bench.setMode(VgaModeTable.MODE_0D);
        Colours.loadTestPalette(bench);
        bench.gc(0x05, 0x02); // write mode 2, one pixel at a time
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 320; x++) {
                bench.gc(0x08, 0x80 >> (x & 7));
                long at = 0xA0000 + y * 40 + x / 8;
                bench.peek(at);
                bench.poke(at, (x + y) & 0x0F);
            }
        }
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(640, frame.width());
        assertEquals(400, frame.height());
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 640; x++) {
                assertEquals(colour(VgaModeTable.MODE_0D, (x / 2 + y / 2) & 0x0F), frame.pixel(x, y),
                        "(" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void mode10Is640By350() {
        bench.setMode(VgaModeTable.MODE_10);
        bench.renderer.refresh();
        assertEquals(640, bench.renderer.frame().width());
        assertEquals(350, bench.renderer.frame().height());
    }

    @Test
    void mode7IsMonochromeTextAtB0000WithUnderline() {
        // Monochrome I/O first: the CRTC answers at 3B4h only once the misc output says so (a BIOS that writes
        // the CRTC before the misc output loses those writes, on a VGA as here).
        bench.biosSetup();
        bench.out(0x3C2, 0x66);
        bench.setMode(VgaModeTable.MODE_07);
        Colours.loadTestPalette(bench);
        bench.beginFontAccess();
        for (int row = 0; row < 16; row++) {
            bench.poke(0xA0000 + 'M' * 32 + row, 0x00); // a blank glyph shows the underline alone
        }
        bench.endFontAccess();
        bench.gc(0x06, 0x0A); // the BIOS's B0000h mapping for mode 7
        bench.poke(0xB0000, 'M');
        bench.poke(0xB0001, 0x01); // underlined
        bench.poke(0xB0002, 'M');
        bench.poke(0xB0003, 0x07); // normal
        bench.outw(0x3B4, 0x200A); // cursor off, through the monochrome CRTC port
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(720, frame.width());
        int underline = colour(VgaModeTable.MODE_07, 0x01);
        int background = colour(VgaModeTable.MODE_07, 0x00);
        for (int dot = 0; dot < 9; dot++) {
            assertEquals(underline, frame.pixel(dot, 15), "underline dot " + dot);
            assertEquals(background, frame.pixel(dot, 14));
            assertEquals(background, frame.pixel(9 + dot, 15), "no underline for attribute 07h");
        }
        assertTrue(bench.renderer.textScreen().orElseThrow().row(0).startsWith("MM"));
    }
}
