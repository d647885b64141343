package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.display.TextScreen;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.machine.MachineState;
import org.quasivm.vmm.machine.StdVgaPlug;
import org.quasivm.vmm.testing.LogLines;

/**
 * Debian's SeaBIOS 1.16 and its VGA BIOS on the board and the software CPU, deterministic clock: POST completes,
 * the firmware's log on port 402h shows it found the QEMU-compatible hardware, and its banner is on the VGA text
 * screen, read back through the renderer. One boot serves every test in the class.
 */
class SeaBiosPostTest {

    private static final Duration BOOT = Duration.ofMinutes(5);
    private static final LogLines LOG = new LogLines();
    private static Machine machine;
    private static StdVgaPlug vga;

    @BeforeAll
    static void boot() throws Exception {
        assumeTrue(FirmwareImages.findSeaBios().isPresent() && FirmwareImages.findVgaBios().isPresent(),
                "Debian package seabios is not installed");
        vga = new StdVgaPlug(16, Files.readAllBytes(FirmwareImages.findVgaBios().get()));
        BoardConfig config = BoardConfig.builder(128 << 20, FirmwareImages.seaBios(FirmwareImages.findSeaBios()
                .get())).clock(ClockMode.DETERMINISTIC).plug(vga).firmwareLog(LOG).build();
        machine = Machine.create(config, SoftwareExecutor::new, "seabios-post");
        machine.start();
        assertTrue(LOG.await("No bootable device", BOOT), "SeaBIOS did not finish POST:\n"
                + String.join("\n", LOG.lines()));
    }

    @AfterAll
    static void powerOff() throws Exception {
        if (machine != null) {
            machine.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SeaBIOS (version 1.16", "Running on QEMU (i440fx)", "Found QEMU fw_cfg",
        "QEMU fw_cfg DMA interface supported", "qemu/e820: addr 0x0000000000000000 len 0x0000000008000000 [RAM]",
        "PIIX3/PIIX4 init: elcr=00 0c", "Using pmtimer, ioport 0xb008", "PCI: Using 00:02.0 for primary VGA",
        "Start SeaVGABIOS", "VBE DISPI: lfb_addr=fd000000, size 16 MB", "Found 2 serial ports",
        "PS2 keyboard initialized", "All threads complete."})
    void firmwareLogShowsTheHardwareWasFound(String line) {
        assertTrue(LOG.contains(line), "missing \"" + line + "\" in:\n" + String.join("\n", LOG.lines()));
    }

    @Test
    void bannerIsOnTheVgaTextScreen() throws Exception {
        TextScreen screen = machine.inspect(b -> {
            vga.renderer().refresh();
            return vga.renderer().textScreen().orElseThrow();
        }).get(30, TimeUnit.SECONDS);
        assertEquals(80, screen.columns());
        assertTrue(screen.row(0).startsWith("SeaBIOS (version 1.16"), screen.toString());
    }

    @Test
    void machineKeepsRunningAfterPost() {
        assertEquals(MachineState.RUNNING, machine.state());
    }
}
