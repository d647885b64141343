package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.exec.state.CpuState;
import org.quasivm.templates.assets.LinuxGuest;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.BootFirmware;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.machine.MachineCommand;
import org.quasivm.vmm.machine.MachineState;
import org.quasivm.vmm.memory.PcMemoryMap;
import org.quasivm.vmm.testing.DebianGuests;
import org.quasivm.vmm.testing.LogLines;
import org.quasivm.vmm.testing.TestTerminal;

/**
 * Two runs of the same boot with the deterministic clock, each paused at the same guest time, are bit-identical:
 * the same serial output and firmware log, the same CPU state (registers, MSRs, FPU, instruction count) and the
 * same RAM contents. Both SeaBIOS (its console on COM1, the NOGRAPHIC way) and a direct Linux boot.
 */
class DeterministicBootTest {

    private static final Duration RUN = Duration.ofMinutes(20);
    /**
     * Without the kernel's crypto self-tests, some 3 billion instructions of pure CPU work (an earlier run of the same
     * kind proves nothing more); what is left of the boot still runs every device the kernel probes.
     */
    static final String LINUX_COMMAND_LINE = LinuxDirectBootTest.COMMAND_LINE + " cryptomgr.notests";

    private record Outcome(String serial, List<String> firmwareLog, CpuState cpu, String ramHash) { }

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
            CpuState cpu = m.cpuState().get(1, TimeUnit.MINUTES);
            String ramHash = m.inspect(b -> {
                b.com1().backend().flush();
                return ramHash(b.memory());
            }).get(1, TimeUnit.MINUTES);
            return new Outcome(terminal.transcript.text(), log.lines(), cpu, ramHash);
        }
    }

    /** SHA-256 of all RAM below 4 GiB except the VGA window and the ROM area (read as a bus master would). */
    private static String ramHash(PcMemoryMap memory) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 20];
            digest(memory, sha, chunk, 0, PcMemoryMap.VGA_WINDOW_START);
            digest(memory, sha, chunk, PcMemoryMap.ONE_MIB, memory.lowRamEnd());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void digest(PcMemoryMap memory, MessageDigest sha, byte[] chunk, long from, long to) {
        for (long a = from; a < to; a += chunk.length) {
            int n = (int) Math.min(chunk.length, to - a);
            memory.readBytes(a, chunk, 0, n);
            sha.update(chunk, 0, n);
        }
    }

    private static void assertIdentical(Outcome first, Outcome second) {
        assertEquals(first.serial(), second.serial());
        assertEquals(first.firmwareLog(), second.firmwareLog());
        assertEquals(first.cpu(), second.cpu());
        assertEquals(first.ramHash(), second.ramHash());
    }

    @Test
    void seaBiosPostIsIdenticalTwice() throws Exception {
        assumeTrue(FirmwareImages.findSeaBios().isPresent(), "Debian package seabios is not installed");
        BootFirmware bios = FirmwareImages.seaBios(FirmwareImages.findSeaBios().get());
        Outcome first = runUntil(bios, 128 << 20, 3_000_000_000L, true);
        Outcome second = runUntil(bios, 128 << 20, 3_000_000_000L, true);
        assertTrue(first.serial().contains("SeaBIOS (version"), first.serial());
        assertTrue(first.firmwareLog().stream().anyMatch(l -> l.contains("No bootable device")));
        assertIdentical(first, second);
    }

    @Test
    void linuxBootIsIdenticalTwice() throws Exception {
        LinuxGuest guest = DebianGuests.linux();
        BootFirmware linux = FirmwareImages.linux(guest.kernel(), guest.initrd(), LINUX_COMMAND_LINE);
        // past the shell prompt, which comes at 10.35 s of guest time here: some 3.8 billion instructions (the
        // kernel unpacking itself is over 2 of them) at 1 GIPS, and idle time skipped to the next timer
        long at = 11_000_000_000L;
        Outcome first = runUntil(linux, 256 << 20, at, false);
        Outcome second = runUntil(linux, 256 << 20, at, false);
        assertTrue(first.serial().contains(DebianGuests.PROMPT), first.serial());
        assertIdentical(first, second);
    }
}
