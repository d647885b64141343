package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.display.TextScreen;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;

/**
 * SeaBIOS and its VGA BIOS run on the software executor, on the board with our VGA plugged in, and put their banner
 * on its text screen; the banner row must look as it does on QEMU's VGA (when QEMU is installed).
 */
class SeaBiosPostTest {

    @TempDir
    Path dir;

    @Test
    void seaBiosBannerAppearsOnTheTextScreen() throws Exception {
        Assumptions.assumeTrue(FirmwareImages.findSeaBios().isPresent() && FirmwareImages.findVgaBios().isPresent(),
                "Debian package seabios is not installed");
        VgaPlug plug = new VgaPlug(16, Files.readAllBytes(FirmwareImages.findVgaBios().get()));
        BoardConfig config = BoardConfig.builder(64L << 20, FirmwareImages.seaBios(FirmwareImages.findSeaBios().get()))
                .clock(ClockMode.DETERMINISTIC)
                .plug(plug)
                .build();
        Frame ours;
        try (Machine machine = Machine.create(config, SoftwareExecutor::new, "seabios-vga")) {
            machine.start();
            Optional<TextScreen> screen = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                screen = machine.inspect(board -> plug.renderer().textScreen()).get();
                if (screen.isPresent() && screen.get().contains("SeaBIOS (version")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(screen.isPresent() && screen.get().contains("SeaBIOS (version"),
                    "no banner; screen:\n" + screen.map(TextScreen::toString).orElse("(graphics)"));
            ours = machine.inspect(board -> {
                plug.renderer().refresh();
                return plug.renderer().frame().copy();
            }).get();
        }
        if (!QemuMonitor.available()) {
            return;
        }
        // The banner row as QEMU's VGA shows it with the same SeaBIOS and VGA BIOS (rows below differ: the boards'
        // boot devices differ). Colours at the DAC's 6 bits, see QemuTextScreenComparisonTest.
        Frame qemu = QemuMonitor.seaBiosPostScreen(dir).screen();
        assertEquals(qemu.width(), ours.width());
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < ours.width(); x++) {
                assertEquals(qemu.pixel(x, y) & 0xFC_FCFC, ours.pixel(x, y) & 0xFC_FCFC,
                        String.format("pixel (%d, %d)", x, y));
            }
        }
    }
}
