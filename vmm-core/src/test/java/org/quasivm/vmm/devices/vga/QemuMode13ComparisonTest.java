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
 * Judges mode 13h against a peer: {@code mode13.asm} (built with NASM at test time) boots in QEMU, sets mode 13h
 * through SeaBIOS's VGA BIOS, loads a palette and draws a pattern, both given by formulas; our VGA gets the same mode
 * registers, palette and pixels through its ports and window, and our 640×400 frame must equal QEMU's
 * {@code screendump} at the DAC's 6 bits (see {@link QemuTextScreenComparisonTest} on rounding).
 */
class QemuMode13ComparisonTest {

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

    @Test
    void mode13PictureMatchesQemuScreendump() throws Exception {
        Assumptions.assumeTrue(QemuMonitor.available(), QemuMonitor.QEMU + " is not installed");
        Assumptions.assumeTrue(nasmAvailable(), "nasm is not installed");
        Path source = dir.resolve("mode13.asm");
        try (InputStream in = getClass().getResourceAsStream("mode13.asm")) {
            Files.copy(in, source);
        }
        Path image = dir.resolve("mode13.img");
        Process nasm = new ProcessBuilder("nasm", "-f", "bin", "-o", image.toString(), source.toString())
                .redirectErrorStream(true).start();
        assertTrue(nasm.waitFor(30, TimeUnit.SECONDS) && nasm.exitValue() == 0,
                new String(nasm.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        byte[] sector = Files.readAllBytes(image);
        byte[] disk = new byte[1 << 20];
        System.arraycopy(sector, 0, disk, 0, sector.length);
        Files.write(image, disk);

        Frame qemu;
        try (QemuMonitor monitor = QemuMonitor.start(dir, "-accel", "tcg", "-m", "32", "-display", "none",
                "-nodefaults", "-vga", "std", "-serial", "none", "-no-reboot",
                "-drive", "file=" + image + ",format=raw,if=ide")) {
            boolean done = false;
            for (int i = 0; i < 600 && !done; i++) {
                done = new String(monitor.physicalMemory(dir, 0x600, 4), StandardCharsets.US_ASCII).equals("DONE");
                Thread.sleep(done ? 0 : 50);
            }
            assertTrue(done, "the boot sector never finished drawing");
            monitor.command("stop");
            monitor.command("screendump \"" + dir.resolve("qemu.ppm") + "\"");
            qemu = PpmImage.read(dir.resolve("qemu.ppm"));
        }

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
        Frame ours = bench.renderer.frame();
        assertEquals(qemu.width(), ours.width());
        assertEquals(qemu.height(), ours.height());
        for (int y = 0; y < ours.height(); y++) {
            for (int x = 0; x < ours.width(); x++) {
                int a = ours.pixel(x, y) & 0xFC_FCFC;
                int b = qemu.pixel(x, y) & 0xFC_FCFC;
                assertEquals(b, a, String.format("pixel (%d, %d)", x, y));
            }
        }
    }
}
