package org.quasivm.vmm.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.uart.NullSerialBackend;
import org.quasivm.vmm.devices.uart.SerialTranscript;
import org.quasivm.vmm.devices.uart.TeeSerialBackend;
import org.quasivm.vmm.testing.ScriptedExecutor;
import org.quasivm.vmm.testing.ScriptedExecutor.Call;
import org.quasivm.vmm.testing.ScriptedExecutor.Halt;
import org.quasivm.vmm.testing.ScriptedExecutor.Out;
import org.quasivm.vmm.testing.ScriptedExecutor.Repeat;
import org.quasivm.vmm.testing.ScriptedExecutor.Spin;
import org.quasivm.vmm.testing.ScriptedExecutor.Step;

class MachineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final SerialTranscript serial = new SerialTranscript(1 << 20);
    private final List<ScriptedExecutor> cpus = new ArrayList<>();

    static BootFirmware.Rom haltRom() {
        byte[] rom = new byte[64 << 10];
        Arrays.fill(rom, (byte) 0xF4);
        return new BootFirmware.Rom("halt.rom", rom);
    }

    private Machine machine(ClockMode mode, List<Step> script, boolean resetOnTripleFault) throws IOException {
        BoardConfig config = BoardConfig.builder(16 << 20, haltRom()).clock(mode)
                .com1(new TeeSerialBackend(new NullSerialBackend(), serial))
                .resetOnTripleFault(resetOnTripleFault).build();
        return Machine.create(config, platform -> {
            ScriptedExecutor cpu = new ScriptedExecutor(platform, script);
            cpus.add(cpu);
            return cpu;
        }, "test");
    }

    /** PIT channel 0 at ~1 kHz (mode 2) and only IRQ 0 unmasked, as a BIOS or kernel would. */
    static List<Step> timerSetup() {
        return List.of(
                new Out(0x20, 1, 0x11), new Out(0x21, 1, 0x08), new Out(0x21, 1, 0x04), new Out(0x21, 1, 0x01),
                new Out(0xA0, 1, 0x11), new Out(0xA1, 1, 0x70), new Out(0xA1, 1, 0x02), new Out(0xA1, 1, 0x01),
                new Out(0x21, 1, 0xFE), new Out(0xA1, 1, 0xFF),
                new Out(0x43, 1, 0x34), new Out(0x40, 1, 1193 & 0xFF), new Out(0x40, 1, 1193 >> 8));
    }

    private static List<Step> concat(List<Step> a, Step... more) {
        List<Step> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void pauseAndResumeFollowTheStateMachine() throws Exception {
        try (Machine m = machine(ClockMode.REALTIME, List.of(new Halt()), true)) {
            m.start();
            assertEquals(new MachineReply.Done(MachineState.PAUSED), m.pause().get(10, TimeUnit.SECONDS));
            assertInstanceOf(MachineReply.Refused.class, m.pause().get(10, TimeUnit.SECONDS));
            assertEquals(new MachineReply.Done(MachineState.RUNNING), m.resume().get(10, TimeUnit.SECONDS));
            assertInstanceOf(MachineReply.Refused.class, m.resume().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void hostPowerOffStopsAndLaterCommandsAreRefused() throws Exception {
        Machine m = machine(ClockMode.REALTIME, List.of(new Halt()), true);
        m.start();
        m.powerOff().get(10, TimeUnit.SECONDS);
        StopReason reason = m.awaitStop(WAIT).orElseThrow();
        assertEquals(StopReason.Kind.HOST_POWER_OFF, reason.kind());
        assertInstanceOf(MachineReply.Refused.class, m.reset().get(10, TimeUnit.SECONDS));
        assertTrue(cpus.get(0).closed);
        m.close();
    }

    @Test
    void startingTwiceIsRefused() throws Exception {
        try (Machine m = machine(ClockMode.REALTIME, List.of(new Halt()), true)) {
            m.start();
            assertThrows(IllegalStateException.class, m::start);
        }
    }

    @Test
    void guestPowerOffThroughAcpiSleepStopsTheMachine() throws Exception {
        List<Step> script = List.of(
                new Out(0xCF8, 4, 0x8000_0B40), new Out(0xCFC, 4, 0xB001),   // 00:01.3 PMBA = B000h
                new Out(0xCF8, 4, 0x8000_0B80), new Out(0xCFC, 1, 0x01),     // PMREGMISC: PM I/O on
                new Out(0xB004, 2, 0x2000));                                  // SLP_TYP 0 (S5), SLP_EN
        try (Machine m = machine(ClockMode.DETERMINISTIC, script, true)) {
            m.start();
            assertEquals(StopReason.Kind.GUEST_POWER_OFF, m.awaitStop(WAIT).orElseThrow().kind());
        }
    }

    @Test
    void keyboardControllerPulseResetsTheMachine() throws Exception {
        try (Machine m = machine(ClockMode.DETERMINISTIC, List.of(new Out(0x64, 1, 0xFE), new Halt()), true)) {
            m.start();
            long until = System.nanoTime() + WAIT.toNanos();
            while (m.resets() < 3 && System.nanoTime() < until) {
                Thread.sleep(5); // the script resets again after every reset
            }
            assertTrue(m.resets() >= 3);
            assertTrue(cpus.get(0).resets >= 4); // power-on plus each reset
        }
    }

    @Test
    void haltWaitsForTheTimerInterrupt() throws Exception {
        List<Step> script = concat(timerSetup(), new Halt(), new Repeat(13, 9), new Call(c -> { }),
                new Out(0x3F8, 1, 'T'));
        try (Machine m = machine(ClockMode.DETERMINISTIC, script, true)) {
            m.start();
            assertTrue(serial.awaitMatch(Pattern.compile("T"), 0, WAIT) != null);
            List<ScriptedExecutor.Taken> taken = cpus.get(0).taken;
            assertTrue(taken.size() >= 10, "interrupts " + taken.size());
            assertTrue(taken.stream().allMatch(t -> t.vector() == 0x08));
            long guestNanos = m.inspect(b -> b.clock().nanos()).get(10, TimeUnit.SECONDS);
            assertTrue(guestNanos >= 9_900_000L, "guest time " + guestNanos); // ten timer periods went by
        }
    }

    @Test
    void deterministicRunsRepeatExactly() throws Exception {
        List<List<ScriptedExecutor.Taken>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            cpus.clear();
            List<Step> script = concat(timerSetup(), new Spin(123_457), new Halt(), new Spin(7_777),
                    new Repeat(13, 20), new Out(0x3F8, 1, '!'));
            long mark = serial.length();
            try (Machine m = machine(ClockMode.DETERMINISTIC, script, true)) {
                m.start();
                assertTrue(serial.awaitMatch(Pattern.compile("!"), mark, WAIT) != null);
                runs.add(List.copyOf(cpus.get(0).taken));
            }
        }
        assertEquals(runs.get(0), runs.get(1));
        assertTrue(runs.get(0).size() > 20);
    }

    @Test
    void serialOutputReachesTheBackend() throws Exception {
        List<Step> script = new ArrayList<>();
        for (char c : "hello\n".toCharArray()) {
            script.add(new Out(0x3F8, 1, c));
        }
        try (Machine m = machine(ClockMode.REALTIME, script, true)) {
            m.start();
            assertEquals("hello", serial.awaitMatch(Pattern.compile("hello"), 0, WAIT));
        }
    }

    @Test
    void tripleFaultStopsWhenResetIsOff() throws Exception {
        try (Machine m = machine(ClockMode.DETERMINISTIC, List.of(new ScriptedExecutor.Shutdown("triple fault")),
                false)) {
            m.start();
            StopReason r = m.awaitStop(WAIT).orElseThrow();
            assertEquals(StopReason.Kind.CPU_SHUTDOWN, r.kind());
            assertEquals("triple fault", r.message());
        }
    }

    @Test
    void tripleFaultResetsByDefault() throws Exception {
        try (Machine m = machine(ClockMode.DETERMINISTIC, List.of(new ScriptedExecutor.Shutdown("x")), true)) {
            m.start();
            long until = System.nanoTime() + WAIT.toNanos();
            while (m.resets() == 0 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertTrue(m.resets() > 0);
        }
    }

    @Test
    void executorErrorStopsWithItsMessage() throws Exception {
        try (Machine m = machine(ClockMode.DETERMINISTIC, List.of(new ScriptedExecutor.Fail("no such opcode")),
                true)) {
            m.start();
            StopReason r = m.awaitStop(WAIT).orElseThrow();
            assertEquals(StopReason.Kind.EXECUTOR_ERROR, r.kind());
            assertTrue(r.message().startsWith("no such opcode"));
        }
    }

    @Test
    void exceptionInTheLoopIsReportedNotSwallowed() throws Exception {
        List<Step> script = List.of(new Call(c -> {
            throw new IllegalStateException("boom");
        }));
        try (Machine m = machine(ClockMode.DETERMINISTIC, script, true)) {
            m.start();
            StopReason r = m.awaitStop(WAIT).orElseThrow();
            assertEquals(StopReason.Kind.FAILURE, r.kind());
            assertTrue(r.message().contains("boom"));
        }
    }

    @Test
    void resetCommandResetsCpuAndDevices() throws Exception {
        try (Machine m = machine(ClockMode.REALTIME, concat(timerSetup(), new Halt()), true)) {
            m.start();
            m.inspect(b -> b.pic()).get(10, TimeUnit.SECONDS);
            assertEquals(new MachineReply.Done(MachineState.RUNNING), m.reset().get(10, TimeUnit.SECONDS));
            assertEquals(1, m.resets());
        }
    }

    @Test
    void keyboardInputFromAnotherThreadReachesTheGuest() throws Exception {
        List<Step> script = List.of(new Halt());
        try (Machine m = machine(ClockMode.REALTIME, script, true)) {
            m.start();
            m.board().input().tap(org.quasivm.vmm.devices.ps2.PcKey.A);
            long until = System.nanoTime() + WAIT.toNanos();
            int status = 0;
            while ((status & 1) == 0 && System.nanoTime() < until) {
                status = m.inspect(b -> b.io().in(0x64, 1)).get(10, TimeUnit.SECONDS);
            }
            assertEquals(0x1E, (int) m.inspect(b -> b.io().in(0x60, 1)).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCommandSentBeforeStartIsServedBeforeTheFirstInstruction() throws Exception {
        try (Machine m = machine(ClockMode.DETERMINISTIC, List.of(new Spin(1_000), new Halt()), true)) {
            var paused = m.pause();
            m.start();
            assertEquals(new MachineReply.Done(MachineState.PAUSED), paused.get(10, TimeUnit.SECONDS));
            assertEquals(0, m.cpuState().get(10, TimeUnit.SECONDS).instructionsRetired());
        }
    }

    @Test
    void aCommandWaitingWhenTheMachineIsClosedBeforeStartIsRefused() throws Exception {
        Machine m = machine(ClockMode.DETERMINISTIC, List.of(new Halt()), true);
        var paused = m.pause();
        m.close();
        assertTrue(paused.get(10, TimeUnit.SECONDS) instanceof MachineReply.Refused);
    }

    @Test
    void pauseAtStopsAtTheSameInstructionEveryTime() throws Exception {
        long[] counts = new long[2];
        for (int run = 0; run < 2; run++) {
            cpus.clear();
            List<Step> script = concat(timerSetup(), new Spin(1_000), new Halt(), new Spin(3_333),
                    new Repeat(14, 1_000));
            try (Machine m = machine(ClockMode.DETERMINISTIC, script, true)) {
                // submitted before start, so the guest cannot run past 50 ms before the VM thread sees it
                var pauseAt = m.submit(new MachineCommand.PauseAt(50_000_000L));
                m.start();
                pauseAt.get(10, TimeUnit.SECONDS);
                assertTrue(m.awaitState(MachineState.PAUSED, WAIT));
                counts[run] = m.cpuState().get(10, TimeUnit.SECONDS).instructionsRetired();
                long at = m.inspect(b -> b.clock().nanos()).get(10, TimeUnit.SECONDS);
                assertTrue(at >= 50_000_000L && at < 50_000_010L, "paused at " + at); // within one instruction
            }
        }
        assertEquals(counts[0], counts[1]);
        assertTrue(counts[0] > 0);
    }
}
