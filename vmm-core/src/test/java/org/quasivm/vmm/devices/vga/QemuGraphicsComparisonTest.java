package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.display.PpmImage;

/**
 * Judges graphics modes against a peer: a boot sector (built with NASM at test time from {@code *.asm} beside this
 * class) runs in QEMU under SeaBIOS and draws a picture given by formulas; our VGA gets the same registers, palette
 * and pixels through its ports and window, and our frame must equal QEMU's {@code screendump} (at the DAC's 6 bits
 * where the DAC is involved; see {@link QemuTextScreenComparisonTest} on rounding).
 */
class QemuGraphicsComparisonTest {

    @TempDir
    Path dir;

    private static boolean nasmAvailable() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, "nasm"))) {
                return true;
            }
        }
        return false;
    }

    /** Assembles {@code name}.asm, boots it in QEMU until it writes "DONE" at 600h, and returns QEMU's screen. */
    private Frame qemuScreen(String name) throws Exception {
        Assumptions.assumeTrue(QemuMonitor.available(), QemuMonitor.QEMU + " is not installed");
        Assumptions.assumeTrue(nasmAvailable(), "nasm is not installed");
        Path source = dir.resolve(name + ".asm");
        try (InputStream in = getClass().getResourceAsStream(name + ".asm")) {
            Files.copy(in, source);
        }
        Path image = dir.resolve(name + ".img");
        Process nasm = new ProcessBuilder("nasm", "-f", "bin", "-o", image.toString(), source.toString())
                .redirectErrorStream(true).start();
        assertTrue(nasm.waitFor(30, TimeUnit.SECONDS) && nasm.exitValue() == 0,
                new String(nasm.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        byte[] sector = Files.readAllBytes(image);
        byte[] disk = new byte[1 << 20];
        System.arraycopy(sector, 0, disk, 0, sector.length);
        Files.write(image, disk);

        try (QemuMonitor monitor = QemuMonitor.start(dir, "-accel", "tcg", "-m", "32", "-display", "none",
                "-nodefaults", "-vga", "std", "-serial", "none", "-no-reboot",
                "-drive", "file=" + image + ",format=raw,if=ide")) {
            boolean done = false;
            for (int i = 0; i < 600 && !done; i++) {
                done = new String(monitor.physicalMemory(dir, 0x600, 4), StandardCharsets.US_ASCII).equals("DONE");
                Thread.sleep(done ? 0 : 50);
            }
            assertTrue(done, name + " never finished drawing");
            monitor.command("stop");
            monitor.command("screendump \"" + dir.resolve(name + ".ppm") + "\"");
            return PpmImage.read(dir.resolve(name + ".ppm"));
        }
    }

    private static void assertSameScreen(Frame qemu, Frame ours, int mask) {
        assertEquals(qemu.width(), ours.width());
        assertEquals(qemu.height(), ours.height());
        for (int y = 0; y < ours.height(); y++) {
            for (int x = 0; x < ours.width(); x++) {
                assertEquals(qemu.pixel(x, y) & mask, ours.pixel(x, y) & mask, String.format("pixel (%d, %d)", x, y));
            }
        }
    }

    @Test
    void mode13PictureMatchesQemuScreendump() throws Exception {
        Frame qemu = qemuScreen("mode13");
        VgaBench bench = new VgaBench();
        bench.setMode(VgaModeTable.MODE_13);
        for (int i = 0; i < 256; i++) {
            bench.dac(i, i & 63, i >> 2, (i ^ 0x2A) & 63);
        }
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 320; x++) {
                bench.poke(0xA0000 + 320 * y + x, (x + 3 * y) & 0xFF);
            }
        }
        bench.renderer.refresh();
        assertSameScreen(qemu, bench.renderer.frame(), 0xFC_FCFC);
    }

    @Test
    void bankedThirtyTwoBitVbePictureMatchesQemuScreendump() throws Exception {
        Frame qemu = qemuScreen("vbe32");
        VgaBench bench = new VgaBench();
        bench.setMode(VgaModeTable.MODE_03); // what SeaBIOS left before the boot sector
        bench.dispi(4, 0);
        bench.dispi(3, 32);
        bench.dispi(1, 640);
        bench.dispi(2, 480);
        bench.dispi(5, 0);
        bench.dispi(4, 1);
        for (int p = 0; p < 640 * 480; p++) {
            if (p % 16384 == 0) {
                bench.dispi(5, p / 16384);
            }
            bench.mmio.write(0xA0000 + 4L * (p % 16384), 4, p * 0x010307L);
        }
        bench.renderer.refresh();
        assertSameScreen(qemu, bench.renderer.frame(), 0xFF_FFFF);
    }
}
