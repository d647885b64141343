package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.vmm.display.Frame;

/**
 * Judges the text renderer against a peer: QEMU runs SeaBIOS and its VGA BIOS to the POST screen; the characters,
 * attributes and the font the VGA BIOS loaded are copied from QEMU's video memory into our VGA through its register
 * interface, as a guest would write them; our frame must equal QEMU's {@code screendump}.
 *
 * <p>Colours are compared at the DAC's 6 bits: QEMU widens a 6-bit level {@code v} to {@code v << 2 | (v & 1) * 3},
 * we round {@code v × 255 / 63}; both keep {@code v} in the top 6 bits. The cursor blinks in QEMU on its own clock,
 * so one cell may differ on its cursor scan lines.
 */
class QemuTextScreenComparisonTest {

    @TempDir
    Path dir;

    @Test
    void seaBiosPostScreenMatchesQemuScreendump() throws Exception {
        Assumptions.assumeTrue(QemuMonitor.available(), QemuMonitor.QEMU + " is not installed");
        QemuMonitor.PostScreen post = QemuMonitor.seaBiosPostScreen(dir);
        byte[] vram = post.vram();
        Frame qemu = post.screen();
        assertTrue(QemuMonitor.screenText(vram).contains("SeaBIOS"), QemuMonitor.screenText(vram));

        VgaBench bench = new VgaBench();
        bench.setMode(VgaModeTable.MODE_03);
        loadEgaPalette(bench);
        bench.beginFontAccess();
        for (int ch = 0; ch < 256; ch++) {
            for (int row = 0; row < 16; row++) {
                bench.poke(0xA0000 + ch * 32 + row, vram[(ch * 32 + row) * 4 + 2] & 0xFF);
            }
        }
        bench.endFontAccess();
        for (int i = 0; i < 80 * 25; i++) {
            bench.poke(0xB8000 + 2L * i, vram[i * 4] & 0xFF);
            bench.poke(0xB8000 + 2L * i + 1, vram[i * 4 + 1] & 0xFF);
        }
        bench.crtc(0x0A, 0x20);
        bench.renderer.refresh();
        Frame ours = bench.renderer.frame();

        assertEquals(qemu.width(), ours.width());
        assertEquals(qemu.height(), ours.height());
        int cursorCell = -1;
        for (int y = 0; y < ours.height(); y++) {
            for (int x = 0; x < ours.width(); x++) {
                if (sixBits(ours.pixel(x, y)) != sixBits(qemu.pixel(x, y))) {
                    int cell = (y / 16) * 80 + x / 9;
                    boolean cursorLine = y % 16 >= 13;
                    assertTrue(cursorLine && (cursorCell < 0 || cursorCell == cell), String.format(
                            "pixel (%d, %d): ours %08x, QEMU's %08x", x, y, ours.pixel(x, y), qemu.pixel(x, y)));
                    cursorCell = cell;
                }
            }
        }
    }

    private static int sixBits(int argb) {
        return argb & 0xFC_FCFC;
    }

    /** The EGA's 64 colours as the VGA BIOS loads them for text modes: bits rgbRGB, 0x2A primary, 0x15 secondary. */
    private static void loadEgaPalette(VgaBench bench) {
        for (int i = 0; i < 64; i++) {
            bench.dac(i, level(i, 2, 5), level(i, 1, 4), level(i, 0, 3));
        }
    }

    private static int level(int i, int primaryBit, int secondaryBit) {
        return ((i >> primaryBit) & 1) * 0x2A + ((i >> secondaryBit) & 1) * 0x15;
    }


}
