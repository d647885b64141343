package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.BootFirmware;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.machine.MachineCommand;
import org.quasivm.vmm.machine.MachineState;
import org.quasivm.vmm.testing.LogLines;
import org.quasivm.vmm.testing.TestTerminal;

/**
 * Two runs of the same boot with the deterministic clock, each paused at the same guest time: identical serial
 * output, identical firmware log, identical instruction count. Both SeaBIOS (its console on COM1, the
 * NOGRAPHIC way) and a direct Linux boot.
 */
class DeterministicBootTest {

    private static final Duration RUN = Duration.ofMinutes(20);

    private record Outcome(String serial, List<String> firmwareLog, long instructions) { }

    private static Outcome runUntil(BootFirmware firmware, long ram, long guestNanos, boolean noGraphic)
            throws Exception {
        TestTerminal terminal = new TestTerminal();
        LogLines log = new LogLines();
        BoardConfig config = BoardConfig.builder(ram, firmware).clock(ClockMode.DETERMINISTIC)
                .noGraphic(noGraphic).com1(terminal).firmwareLog(log).build();
        try (Machine m = Machine.create(config, SoftwareExecutor::new, "deterministic")) {
            m.start();
            m.submit(new MachineCommand.PauseAt(guestNanos)).get(1, TimeUnit.MINUTES);
            assertTrue(m.awaitState(MachineState.PAUSED, RUN), "did not reach guest time " + guestNanos);
            long instructions = m.cpuState().get(1, TimeUnit.MINUTES).instructionsRetired();
            m.inspect(b -> {
                b.com1().backend().flush();
                return null;
            }).get(1, TimeUnit.MINUTES);
            return new Outcome(terminal.transcript.text(), log.lines(), instructions);
        }
    }

    @Test
    void seaBiosPostIsIdenticalTwice() throws Exception {
        assumeTrue(FirmwareImages.findSeaBios().isPresent(), "Debian package seabios is not installed");
        BootFirmware bios = FirmwareImages.seaBios(FirmwareImages.findSeaBios().get());
        Outcome first = runUntil(bios, 128 << 20, 3_000_000_000L, true);
        Outcome second = runUntil(bios, 128 << 20, 3_000_000_000L, true);
        assertTrue(first.serial().contains("SeaBIOS (version"), first.serial());
        assertTrue(first.firmwareLog().stream().anyMatch(l -> l.contains("No bootable device")));
        assertEquals(first.serial(), second.serial());
        assertEquals(first.firmwareLog(), second.firmwareLog());
        assertEquals(first.instructions(), second.instructions());
    }

    @Test
    void linuxBootIsIdenticalTwice() throws Exception {
        assumeTrue(DebianGuest.available(), DebianGuest.missing());
        BootFirmware linux = FirmwareImages.linux(DebianGuest.KERNEL, DebianGuest.INITRD,
                LinuxDirectBootTest.COMMAND_LINE);
        // past the shell prompt: about 4.1 billion instructions, 3.1 billion of them the kernel's crypto self-tests
        // (crypto_algapi_init) — pure CPU work; at the default 1 GIPS that is some 4 s of guest time
        long at = 8_000_000_000L;
        Outcome first = runUntil(linux, 256 << 20, at, false);
        Outcome second = runUntil(linux, 256 << 20, at, false);
        assertTrue(first.serial().contains(DebianGuest.PROMPT), first.serial());
        assertEquals(first.serial(), second.serial());
        assertEquals(first.instructions(), second.instructions());
    }
}
