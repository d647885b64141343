package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.display.DirtyRect;
import org.quasivm.vmm.display.Frame;

class GraphicsModeTest {

    private final VgaBench bench = new VgaBench();

    private static int colour12(int x, int y) {
        return (x * 3 + y * 5 + (x >> 4)) & 0x0F;
    }

    private static int colour13(int x, int y) {
        return (x + 3 * y + (x * y >> 6)) & 0xFF;
    }

    /** Writes a 640×480 16-colour image plane by plane through the map mask, as graphics libraries blit. */
    private void fillMode12() {
        for (int plane = 0; plane < 4; plane++) {
            bench.seq(0x02, 1 << plane);
            for (int y = 0; y < 480; y++) {
                for (int xb = 0; xb < 80; xb++) {
                    int bits = 0;
                    for (int i = 0; i < 8; i++) {
                        if ((colour12(xb * 8 + i, y) & (1 << plane)) != 0) {
                            bits |= 0x80 >> i;
                        }
                    }
                    bench.poke(0xA0000 + y * 80 + xb, bits);
                }
            }
        }
        bench.seq(0x02, 0x0F);
    }

    private static int[] expectedMode12(int pan) {
        int[] expected = new int[640 * 480];
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                int sx = x + pan;
                int c = sx < 640 ? colour12(sx, y) : colour12(sx - 640, y + 1 < 480 ? y + 1 : 0);
                expected[y * 640 + x] = Colours.dac(VgaModeTable.MODE_12.attribute()[c]);
            }
        }
        return expected;
    }

    @Test
    void mode12ShowsPlanarPixelsThroughTheAttributePalette() {
        bench.setMode(VgaModeTable.MODE_12);
        Colours.loadTestPalette(bench);
        fillMode12();
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(640, frame.width());
        assertEquals(480, frame.height());
        FrameAssert.assertPixels(expectedMode12(0), frame);
    }

    @Test
    void pixelPanningShiftsTheLineLeftAndPullsInTheNextByte() {
        bench.setMode(VgaModeTable.MODE_12);
        Colours.loadTestPalette(bench);
        fillMode12();
        bench.attr(0x13, 3);
        bench.renderer.refresh();
        int[] expected = expectedMode12(3);
        // the last line's extra byte comes from the following memory row, which is beyond the image (zero)
        for (int x = 637; x < 640; x++) {
            expected[479 * 640 + x] = Colours.dac(VgaModeTable.MODE_12.attribute()[0]);
        }
        FrameAssert.assertPixels(expected, bench.renderer.frame());
    }

    @Test
    void writeMode2PlotsSinglePixelsUnderTheBitMask() {
        bench.setMode(VgaModeTable.MODE_12);
        Colours.loadTestPalette(bench);
        bench.gc(0x05, 0x02);
        for (int x = 0; x < 16; x++) {
            bench.gc(0x08, 0x80 >> (x & 7));
            long at = 0xA0000 + 10 * 80 + x / 8;
            bench.peek(at); // load the latches so the other pixels of the byte survive
            bench.poke(at, x);
        }
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        for (int x = 0; x < 16; x++) {
            assertEquals(Colours.dac(VgaModeTable.MODE_12.attribute()[x]), frame.pixel(x, 10), "x=" + x);
        }
    }

    @Test
    void mode13ShowsEachChainedByteAsADoubledPixel() {
        bench.setMode(VgaModeTable.MODE_13);
        Colours.loadTestPalette(bench);
        int[] expected = new int[640 * 400];
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 320; x++) {
                bench.poke(0xA0000 + y * 320 + x, colour13(x, y));
                int c = Colours.dac(colour13(x, y));
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        expected[(2 * y + dy) * 640 + 2 * x + dx] = c;
                    }
                }
            }
        }
        bench.renderer.refresh();
        FrameAssert.assertPixels(expected, bench.renderer.frame());
    }

    @Test
    void chainFourStoresByteAtPlaneOfItsLowBitsAtTheDwordAlignedOffset() {
        bench.setMode(VgaModeTable.MODE_13);
        bench.poke(0xA0000 + 0x1235, 0x5A);
        bench.seq(0x04, 0x06); // unchained
        bench.gc(0x05, 0x00);
        bench.gc(0x04, 1);
        assertEquals(0x5A, bench.peek(0xA0000 + 0x1234));
        bench.gc(0x04, 0);
        assertEquals(0x00, bench.peek(0xA0000 + 0x1234));
    }

    @Test
    void modeXShowsUnchainedPlanesAndFlipsPages() {
        bench.setMode(VgaModeTable.MODE_13);
        Colours.loadTestPalette(bench);
        bench.seq(0x04, 0x06);
        bench.crtc(0x14, 0x00);
        bench.crtc(0x17, 0xE3);
        int page2 = 80 * 200;
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 320; x++) {
                bench.seq(0x02, 1 << (x & 3));
                bench.poke(0xA0000 + y * 80 + x / 4, colour13(x, y));
                bench.poke(0xA0000 + page2 + y * 80 + x / 4, colour13(x, y) ^ 0xFF);
            }
        }
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        for (int y = 0; y < 400; y += 7) {
            for (int x = 0; x < 640; x++) {
                assertEquals(Colours.dac(colour13(x / 2, y / 2)), frame.pixel(x, y), "(" + x + ", " + y + ")");
            }
        }
        bench.crtc(0x0C, page2 >> 8);
        bench.crtc(0x0D, page2 & 0xFF);
        List<DirtyRect> dirty = bench.renderer.refresh();
        assertEquals(List.of(new DirtyRect(0, 0, 640, 400)), dirty);
        for (int y = 0; y < 400; y += 7) {
            for (int x = 0; x < 640; x++) {
                assertEquals(Colours.dac(colour13(x / 2, y / 2) ^ 0xFF), frame.pixel(x, y));
            }
        }
    }

    @Test
    void lineCompareSplitsTheScreenToShowAddressZeroBelow() {
        bench.setMode(VgaModeTable.MODE_13);
        Colours.loadTestPalette(bench);
        bench.seq(0x04, 0x06);
        bench.crtc(0x14, 0x00);
        bench.crtc(0x17, 0xE3);
        bench.seq(0x02, 0x0F);
        for (int i = 0; i < 80 * 100; i++) {
            bench.poke(0xA0000 + i, 1); // the status bar at address 0
        }
        for (int i = 80 * 100; i < 80 * 300; i++) {
            bench.poke(0xA0000 + i, 2); // the playfield
        }
        bench.crtc(0x0C, (80 * 100) >> 8);
        bench.crtc(0x0D, (80 * 100) & 0xFF);
        bench.crtc(0x18, 299); // low 8 bits of 299: the split after scan line 299
        bench.crtc(0x07, bench.crtcRead(0x07) | 0x10);
        bench.crtc(0x09, bench.crtcRead(0x09) & ~0x40);
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(Colours.dac(2), frame.pixel(0, 299));
        assertEquals(Colours.dac(1), frame.pixel(0, 300));
        assertEquals(Colours.dac(1), frame.pixel(639, 399));
    }

    @Test
    void cgaMode4InterleavesScanLineBanksAndTwoBitPixels() {
        bench.setMode(VgaModeTable.MODE_04);
        Colours.loadTestPalette(bench);
        for (int y = 0; y < 200; y++) {
            long line = 0xB8000 + (y & 1) * 0x2000 + (y >> 1) * 80;
            for (int xb = 0; xb < 80; xb++) {
                int bits = 0;
                for (int i = 0; i < 4; i++) {
                    bits |= ((xb * 4 + i + y) & 3) << (6 - 2 * i);
                }
                bench.poke(line + xb, bits);
            }
        }
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(640, frame.width());
        assertEquals(400, frame.height());
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 640; x++) {
                int pixel = (x / 2 + y / 2) & 3;
                assertEquals(Colours.dac(VgaModeTable.MODE_04.attribute()[pixel]), frame.pixel(x, y),
                        "(" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void paletteChangeRedrawsTheWholeFrame() {
        bench.setMode(VgaModeTable.MODE_13);
        Colours.loadTestPalette(bench);
        bench.poke(0xA0000, 7);
        bench.renderer.refresh();
        bench.dac(7, 0x3F, 0x3F, 0x3F);
        List<DirtyRect> dirty = bench.renderer.refresh();
        assertEquals(List.of(new DirtyRect(0, 0, 640, 400)), dirty);
        assertEquals(0xFFFF_FFFF, bench.renderer.frame().pixel(0, 0));
        assertTrue(bench.renderer.refresh().isEmpty());
    }

    @Test
    void pixelMaskFiltersDacIndices() {
        bench.setMode(VgaModeTable.MODE_13);
        Colours.loadTestPalette(bench);
        bench.poke(0xA0000, 0xF7);
        bench.out(0x3C6, 0x0F);
        bench.renderer.refresh();
        assertEquals(Colours.dac(0x07), bench.renderer.frame().pixel(0, 0));
    }

    @Test
    void textScreenIsEmptyInGraphicsModes() {
        bench.setMode(VgaModeTable.MODE_13);
        assertTrue(bench.renderer.textScreen().isEmpty());
    }
}
