package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.display.DirtyRect;
import org.quasivm.vmm.display.Frame;

class BochsVbeTest {

    private static final int ID = 0, XRES = 1, YRES = 2, BPP = 3, ENABLE = 4, BANK = 5, VIRT_WIDTH = 6,
            VIRT_HEIGHT = 7, X_OFFSET = 8, Y_OFFSET = 9, VIDEO_MEMORY_64K = 10;
    private static final int ENABLED = 0x01, GETCAPS = 0x02, DAC_8BIT = 0x20, LFB = 0x40, NOCLEARMEM = 0x80;

    private final VgaBench bench = new VgaBench();
    private final ByteBuffer lfb = bench.vga.framebuffer();

    /** The DISPI sequence of SeaBIOS's bochsvga_set_mode and Linux's bochs-drm. */
    private void setMode(int width, int height, int bpp, int flags) {
        bench.biosSetup();
        bench.dispi(ENABLE, 0);
        bench.dispi(BPP, bpp);
        bench.dispi(XRES, width);
        bench.dispi(YRES, height);
        bench.dispi(BANK, 0);
        bench.dispi(ENABLE, ENABLED | flags);
        bench.enableVideo();
    }

    private static int colour(int x, int y) {
        return (x * 0x010203 + y * 0x030105) & 0xFF_FFFF;
    }

    @Test
    void identifiesItselfAndItsMemory() {
        assertEquals(0xB0C5, bench.dispiRead(ID));
        bench.dispi(ID, 0xB0C0);
        assertEquals(0xB0C0, bench.dispiRead(ID));
        bench.dispi(ID, 0x1234);
        assertEquals(0xB0C0, bench.dispiRead(ID));
        assertEquals(256, bench.dispiRead(VIDEO_MEMORY_64K));
        assertEquals(0, bench.dispiRead(0x0B));
    }

    @Test
    void getCapsReportsTheLargestMode() {
        bench.dispi(ENABLE, GETCAPS);
        assertEquals(BochsDispi.MAX_XRES, bench.dispiRead(XRES));
        assertEquals(BochsDispi.MAX_YRES, bench.dispiRead(YRES));
        assertEquals(32, bench.dispiRead(BPP));
    }

    @Test
    void thirtyTwoBitModeShowsTheFramebufferPixelExact() {
        setMode(640, 480, 32, LFB);
        int[] expected = new int[640 * 480];
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                lfb.putInt((y * 640 + x) * 4, colour(x, y));
                expected[y * 640 + x] = 0xFF00_0000 | colour(x, y);
            }
        }
        bench.renderer.refresh();
        FrameAssert.assertPixels(expected, bench.renderer.frame());
    }

    @Test
    void twentyFourBitPixelsAreBlueGreenRedBytes() {
        setMode(64, 8, 24, LFB);
        lfb.put(0, (byte) 0x11).put(1, (byte) 0x22).put(2, (byte) 0x33);
        bench.renderer.refresh();
        assertEquals(0xFF33_2211, bench.renderer.frame().pixel(0, 0));
    }

    @Test
    void sixteenAndFifteenBitPixelsScaleTheirComponents() {
        setMode(64, 8, 16, LFB);
        lfb.putShort(0, (short) (31 << 11 | 32 << 5 | 7));
        bench.renderer.refresh();
        assertEquals(Colours.rgb(255, Colours.six(32), Colours.five(7)), bench.renderer.frame().pixel(0, 0));
        setMode(64, 8, 15, LFB);
        lfb.putShort(0, (short) (3 << 10 | 31 << 5 | 16));
        bench.renderer.refresh();
        assertEquals(Colours.rgb(Colours.five(3), 255, Colours.five(16)), bench.renderer.frame().pixel(0, 0));
    }

    @Test
    void eightBitPixelsGoThroughTheDacInSixOrEightBitMode() {
        setMode(64, 8, 8, LFB);
        bench.dac(5, 0x3F, 0x20, 0x01);
        lfb.put(0, (byte) 5);
        bench.renderer.refresh();
        assertEquals(Colours.rgb(255, Colours.six(0x20), Colours.six(1)), bench.renderer.frame().pixel(0, 0));
        bench.dispi(ENABLE, ENABLED | LFB | DAC_8BIT);
        bench.dac(5, 0xC8, 0x80, 0x04);
        bench.out(0x3C7, 5);
        assertEquals(0xC8, bench.in(0x3C9));
        bench.renderer.refresh();
        assertEquals(0xFFC8_8004, bench.renderer.frame().pixel(0, 0));
    }

    @Test
    void bankSelectsWhich64KiBTheLegacyWindowShows() {
        setMode(640, 480, 8, 0);
        bench.dispi(BANK, 3);
        bench.poke(0xA0000 + 0x10, 0x77);
        assertEquals(0x77, lfb.get(3 * 0x10000 + 0x10));
        assertEquals(0x77, bench.peek(0xA0000 + 0x10));
        assertEquals(3, bench.dispiRead(BANK));
        bench.dispi(BANK, 0xFFFF); // masked to the memory's 256 banks
        assertEquals(0xFF, bench.dispiRead(BANK));
    }

    @Test
    void enablingClearsTheVisibleMemoryUnlessAskedNotTo() {
        lfb.put(100, (byte) 9);
        setMode(64, 8, 8, NOCLEARMEM);
        assertEquals(9, lfb.get(100));
        setMode(64, 8, 8, 0);
        assertEquals(0, lfb.get(100));
    }

    @Test
    void yOffsetFlipsBetweenPagesOfTheVirtualScreen() {
        setMode(64, 32, 32, LFB);
        assertTrue(bench.dispiRead(VIRT_HEIGHT) >= 64);
        for (int i = 0; i < 64 * 64; i++) {
            lfb.putInt(i * 4, i < 64 * 32 ? 0x0000FF : 0x00FF00);
        }
        bench.renderer.refresh();
        assertEquals(0xFF00_00FF, bench.renderer.frame().pixel(0, 0));
        bench.dispi(Y_OFFSET, 32);
        List<DirtyRect> dirty = bench.renderer.refresh();
        assertEquals(List.of(new DirtyRect(0, 0, 64, 32)), dirty);
        assertEquals(0xFF00_FF00, bench.renderer.frame().pixel(0, 0));
    }

    @Test
    void virtualWidthSetsTheLineLength() {
        setMode(64, 8, 8, LFB);
        bench.dispi(VIRT_WIDTH, 128);
        bench.dac(1, 0x3F, 0x3F, 0x3F);
        lfb.put(128, (byte) 1); // line 1, pixel 0
        bench.renderer.refresh();
        assertEquals(0xFFFF_FFFF, bench.renderer.frame().pixel(0, 1));
    }

    @Test
    void writingOneFramebufferLineRedrawsOnlyThatLine() {
        setMode(320, 200, 32, LFB);
        bench.renderer.refresh();
        lfb.putInt((57 * 320 + 3) * 4, 0x123456);
        assertEquals(List.of(new DirtyRect(0, 57, 320, 1)), bench.renderer.refresh());
        assertTrue(bench.renderer.refresh().isEmpty());
    }

    @Test
    void impossibleValuesAreClampedToAModeTheMemoryCanShow() {
        setMode(65535, 65535, 7, LFB);
        assertEquals(BochsDispi.MAX_XRES, bench.dispiRead(XRES));
        assertEquals(8, bench.dispiRead(BPP));
        int maxLines = (16 << 20) / BochsDispi.MAX_XRES;
        assertEquals(Math.min(maxLines, BochsDispi.MAX_YRES), bench.dispiRead(YRES));
        bench.dispi(X_OFFSET, 60000);
        bench.dispi(Y_OFFSET, 60000);
        assertEquals(0, bench.dispiRead(Y_OFFSET));
        bench.dispi(XRES, 0);
        assertEquals(8, bench.dispiRead(XRES));
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(8, frame.width());
    }

    @Test
    void paletteAddressSourceBlanksLinearModesTooAsBochsDrmExpects() {
        setMode(64, 8, 32, LFB);
        lfb.putInt(0, 0xFFFFFF);
        bench.renderer.refresh();
        bench.out(0x3C2, 0x01); // bochs-drm's blank: colour I/O, reset the flip-flop, index 0 without PAS
        bench.in(0x3DA);
        bench.out(0x3C0, 0x00);
        bench.renderer.refresh();
        assertEquals(Frame.OPAQUE_BLACK, bench.renderer.frame().pixel(0, 0));
        bench.in(0x3DA);
        bench.out(0x3C0, 0x20);
        bench.renderer.refresh();
        assertEquals(0xFFFF_FFFF, bench.renderer.frame().pixel(0, 0));
    }

    @Test
    void disablingReturnsToTheVgaMode() {
        bench.setMode(VgaModeTable.MODE_03);
        setMode(64, 8, 32, LFB);
        bench.renderer.refresh();
        assertEquals(64, bench.renderer.frame().width());
        bench.dispi(ENABLE, 0);
        bench.setMode(VgaModeTable.MODE_03);
        bench.renderer.refresh();
        assertEquals(720, bench.renderer.frame().width());
    }

    @Test
    void fourBitModeIsPlanarWithDispiGeometryAndBankedPlanes() {
        bench.setMode(VgaModeTable.MODE_6A);
        Colours.loadTestPalette(bench);
        setMode(1024, 768, 4, 0);
        // 1024×768 planar needs 96 KiB per plane: the second bank reaches past 64 KiB
        bench.gc(0x05, 0x02); // write mode 2: the byte is a colour for all eight pixels
        bench.gc(0x08, 0xFF);
        bench.poke(0xA0000, 0x09); // line 0, pixels 0-7
        bench.dispi(BANK, 1);
        int line700 = 700 * 128 - 0x10000;
        bench.poke(0xA0000 + line700, 0x0C); // line 700, pixels 0-7
        bench.renderer.refresh();
        Frame frame = bench.renderer.frame();
        assertEquals(1024, frame.width());
        assertEquals(768, frame.height());
        assertEquals(Colours.dac(VgaModeTable.MODE_12.attribute()[0x09]), frame.pixel(7, 0));
        assertEquals(Colours.dac(VgaModeTable.MODE_12.attribute()[0x0C]), frame.pixel(0, 700));
        assertEquals(Colours.dac(VgaModeTable.MODE_12.attribute()[0]), frame.pixel(8, 700));
    }
}
