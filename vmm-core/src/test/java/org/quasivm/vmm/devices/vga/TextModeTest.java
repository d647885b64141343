package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quasivm.vmm.display.DirtyRect;
import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.display.TextScreen;

class TextModeTest {

    private static final long TEXT = 0xB8000;
    /** One mode 3 frame: 449 lines of 100 characters of 9 dots at 28.322 MHz. */
    private static final long FRAME_NANOS = 449L * 100 * 9 * 1_000_000_000L / 28_322_000;

    private final VgaBench bench = new VgaBench();

    /** A synthetic font: every character and row distinct, so a wrong glyph or row shows. */
    static int glyph(int ch, int row) {
        return ((ch * 37 + row * 11) ^ (ch >> 3) ^ (row << 5)) & 0xFF;
    }

    @BeforeEach
    void mode3() {
        bench.setMode(VgaModeTable.MODE_03);
        Colours.loadTestPalette(bench);
        loadFont(16);
        bench.crtc(0x0A, 0x20); // cursor off unless a test turns it on
    }

    private void loadFont(int height) {
        bench.beginFontAccess();
        for (int ch = 0; ch < 256; ch++) {
            for (int row = 0; row < height; row++) {
                bench.poke(0xA0000 + ch * 32 + row, glyph(ch, row));
            }
        }
        bench.endFontAccess();
    }

    private void put(int column, int row, int ch, int attr) {
        long at = TEXT + 2L * (row * 80 + column);
        bench.poke(at, ch);
        bench.poke(at + 1, attr);
    }

    private static int attributeColour(int nibble) {
        return Colours.dac(VgaModeTable.MODE_03.attribute()[nibble]);
    }

    /** The pixels of one 9×16 cell as the IBM VGA draws it (blink on, line graphics on). */
    private static void drawCell(int[] expected, int width, int x0, int y0, int ch, int attr, int height) {
        int fg = attributeColour(attr & 0x0F);
        int bg = attributeColour((attr >> 4) & 0x07);
        for (int row = 0; row < height; row++) {
            int g = glyph(ch, row);
            for (int dot = 0; dot < 9; dot++) {
                boolean on = dot < 8 ? (g & (0x80 >> dot)) != 0 : ch >= 0xC0 && ch <= 0xDF && (g & 1) != 0;
                expected[(y0 + row) * width + x0 + dot] = on ? fg : bg;
            }
        }
    }

    @Test
    void mode3ShowsEveryCellPixelExact() {
        int[] expected = new int[720 * 400];
        for (int row = 0; row < 25; row++) {
            for (int col = 0; col < 80; col++) {
                int ch = (row * 80 + col) & 0xFF;
                int attr = ((row + col) * 7) & 0x7F;
                put(col, row, ch, attr);
                drawCell(expected, 720, col * 9, row * 16, ch, attr, 16);
            }
        }
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(720, frame.width());
        assertEquals(400, frame.height());
        FrameAssert.assertPixels(expected, frame);
    }

    @Test
    void textScreenReadsCharactersBack() {
        String banner = "SeaBIOS (version 1.16.2-debian-1.16.2-1)";
        for (int i = 0; i < banner.length(); i++) {
            put(i, 3, banner.charAt(i), 0x07);
        }
        TextScreen screen = bench.renderer.textScreen().orElseThrow();
        assertEquals(80, screen.columns());
        assertEquals(25, screen.rows());
        assertTrue(screen.contains("SeaBIOS (version"), screen.toString());
        assertEquals(banner, screen.row(3).strip());
        assertEquals(0x07, screen.attribute(0, 3));
    }

    @Test
    void cursorCoversItsScanLinesInTheForegroundColourAndBlinks() {
        put(10, 2, 'A', 0x1E);
        bench.crtc(0x0A, 0x0D);
        bench.crtc(0x0B, 0x0E);
        bench.crtc(0x0E, 0x00);
        bench.crtc(0x0F, 2 * 80 + 10);
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        int fg = attributeColour(0x0E);
        for (int dot = 0; dot < 9; dot++) {
            assertEquals(fg, frame.pixel(90 + dot, 32 + 13), "cursor line 13, dot " + dot);
            assertEquals(fg, frame.pixel(90 + dot, 32 + 14), "cursor line 14, dot " + dot);
        }
        bench.advanceNanos(8 * FRAME_NANOS + FRAME_NANOS / 2); // the cursor's off half of its 16-frame period
        List<DirtyRect> dirty = bench.renderer.refresh();
        assertEquals(List.of(new DirtyRect(0, 32 + 13, 720, 2)), dirty);
        int g = glyph('A', 13);
        assertEquals((g & 0x80) != 0 ? fg : attributeColour(0x01), frame.pixel(90, 32 + 13));
    }

    @Test
    void blinkingCharactersShowOnlyTheirBackgroundInTheOffPhase() {
        put(0, 0, 0xDB, 0x8F); // full block, blinking, white on black
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        int fg = attributeColour(0x0F);
        int bg = attributeColour(0x00);
        int g = glyph(0xDB, 0);
        assertEquals((g & 0x80) != 0 ? fg : bg, frame.pixel(0, 0));
        bench.advanceNanos(16 * FRAME_NANOS + FRAME_NANOS / 2);
        bench.renderer.refresh();
        for (int dot = 0; dot < 9; dot++) {
            for (int row = 0; row < 16; row++) {
                assertEquals(bg, frame.pixel(dot, row));
            }
        }
    }

    @Test
    void turningBlinkOffGivesBlinkingCellsBrightBackgrounds() {
        put(0, 0, 0x00, 0xC0); // blank glyph; background 12: red while bit 7 means blink, else bright red
        bench.renderer.refresh();
        assertEquals(attributeColour(0x04), bench.renderer.frame().pixel(0, 0));
        bench.attr(0x10, 0x04); // mode control without blink enable
        bench.enableVideo();
        bench.renderer.refresh();
        assertEquals(attributeColour(0x0C), bench.renderer.frame().pixel(0, 0));
    }

    @Test
    void writingOneCharacterRedrawsOnlyItsSixteenScanLines() {
        bench.renderer.refresh();
        Frame before = bench.renderer.frame();
        put(5, 7, 'x', 0x07);
        List<DirtyRect> dirty = bench.renderer.refresh();
        assertEquals(List.of(new DirtyRect(0, 7 * 16, 720, 16)), dirty);
        assertSame(before, bench.renderer.frame());
    }

    @Test
    void unchangedScreenReportsNothing() {
        bench.renderer.refresh();
        assertTrue(bench.renderer.refresh().isEmpty());
    }

    @Test
    void changingTheFontRedrawsTheScreenWithTheNewGlyphs() {
        put(0, 5, 'Q', 0x07);
        bench.renderer.refresh();
        bench.beginFontAccess();
        bench.poke(0xA0000 + 'Q' * 32 + 3, 0xFF);
        bench.endFontAccess();
        List<DirtyRect> dirty = bench.renderer.refresh();
        assertEquals(List.of(new DirtyRect(0, 0, 720, 400)), dirty);
        for (int dot = 0; dot < 8; dot++) {
            assertEquals(attributeColour(0x07), bench.renderer.frame().pixel(dot, 5 * 16 + 3));
        }
    }

    @Test
    void startAddressSelectsTheDisplayedPage() {
        put(0, 0, 'a', 0x07);
        put(0, 0 + 2048 / 80, 'z', 0x07); // the cell at offset 4096 bytes
        long page1 = TEXT + 0x1000;
        bench.poke(page1, 'P');
        bench.poke(page1 + 1, 0x07);
        bench.crtc(0x0C, 0x08); // start address 0x800 characters = 0x1000 bytes
        bench.crtc(0x0D, 0x00);
        TextScreen screen = bench.renderer.textScreen().orElseThrow();
        assertEquals('P', screen.character(0, 0));
    }

    @Test
    void eightyByFiftyUsesEightLineCells() {
        loadFont(8);
        bench.crtc(0x09, 0x47); // maximum scan line 7
        int[] expected = new int[720 * 400];
        for (int row = 0; row < 50; row++) {
            for (int col = 0; col < 80; col++) {
                int ch = (row * 3 + col) & 0xFF;
                put(col, row, ch, 0x17);
                drawCell(expected, 720, col * 9, row * 8, ch, 0x17, 8);
            }
        }
        bench.renderer.refresh();
        FrameAssert.assertPixels(expected, bench.renderer.frame());
        assertEquals(50, bench.renderer.textScreen().orElseThrow().rows());
    }

    @Test
    void fortyColumnModeDoublesEveryDot() {
        bench.setMode(VgaModeTable.MODE_01);
        bench.crtc(0x0A, 0x20);
        for (int col = 0; col < 40; col++) {
            bench.poke(TEXT + 2L * col, 'A' + col);
            bench.poke(TEXT + 2L * col + 1, 0x1F);
        }
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(720, frame.width());
        assertEquals(400, frame.height());
        int fg = attributeColour(0x0F);
        int bg = attributeColour(0x01);
        for (int col = 0; col < 40; col++) {
            for (int row = 0; row < 16; row++) {
                int g = glyph('A' + col, row);
                for (int dot = 0; dot < 8; dot++) {
                    int want = (g & (0x80 >> dot)) != 0 ? fg : bg;
                    assertEquals(want, frame.pixel(col * 18 + 2 * dot, row));
                    assertEquals(want, frame.pixel(col * 18 + 2 * dot + 1, row));
                }
            }
        }
        assertEquals(40, bench.renderer.textScreen().orElseThrow().columns());
    }

    @Test
    void clearingPaletteAddressSourceBlanksTheScreen() {
        put(0, 0, 0xDB, 0x0F);
        bench.renderer.refresh();
        bench.in(0x3DA);
        bench.out(0x3C0, 0x00);
        List<DirtyRect> dirty = bench.renderer.refresh();
        assertFalse(dirty.isEmpty());
        for (int p : bench.renderer.frame().pixels()) {
            assertEquals(Frame.OPAQUE_BLACK, p);
        }
        assertTrue(bench.renderer.refresh().isEmpty());
    }
}
