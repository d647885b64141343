package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quasivm.exec.Executor;
import org.quasivm.exec.Platform;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.exec.kvm.KvmExecutor;
import org.quasivm.exec.state.CpuState;
import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.probe.HostProbe;
import org.quasivm.nativehelper.probe.KvmStatus;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.vga.VgaPlug;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.testing.TestTerminal;

/**
 * The KVM accelerator on QuasiVM's machine and devices: each test guest prints under KVM exactly what it prints
 * under QEMU and ends in the same CPU state as on the software executor; and a running guest moves between the two
 * executors (CPU state handed over, RAM and devices staying where they are) without its output changing.
 *
 * <p>pm32 is left out: this host's KVM (kvm_pvm, nested) cannot run 32-bit paging guests, which is the point of pm32
 * (its paging paths are covered by the software CPU's tests and by ExecutorHandOffTest's non-paging guests).
 */
class TestGuestsOnKvmTest {

    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);

    @BeforeAll
    static void kvmUsable() {
        KvmStatus kvm = HostProbe.probeKvm(Kvm.DEVICE);
        assumeTrue(kvm.usable(), "KVM tests skipped: " + kvm.reason());
    }

    private static final class Run implements AutoCloseable {
        final TestTerminal terminal = new TestTerminal();
        final Machine machine;

        Run(TestGuest guest, ClockMode clock, Function<Platform, Executor> executor) throws Exception {
            BoardConfig config = BoardConfig.builder(16 << 20, FirmwareImages.customRom(guest.rom(), null))
                    .clock(clock).com1(terminal).plug(new VgaPlug(16, null)).build();
            machine = Machine.create(config, executor, "kvm-" + guest.stem());
            machine.start();
        }

        void awaitLine(String line) throws InterruptedException {
            assertNotNull(terminal.transcript.awaitMatch(Pattern.compile("(?m)^" + Pattern.quote(line) + "\r?$"), 0,
                    RUN_LIMIT), "no line '" + line + "' on " + machine.executorName() + "; the guest printed:\n"
                    + serial());
        }

        String serial() {
            return terminal.transcript.text().replace("\r\n", "\n");
        }

        /** Serial output and the CPU state once the guest has halted for good after DONE. */
        Ending finish() throws Exception {
            awaitLine("DONE");
            long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
            CpuState cpu = machine.cpuState().get(1, TimeUnit.MINUTES);
            while (!cpu.halted() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                cpu = machine.cpuState().get(1, TimeUnit.MINUTES);
            }
            assertTrue(cpu.halted(), "the guest did not halt after DONE: " + cpu);
            return new Ending(serial(), Architectural.of(cpu));
        }

        @Override
        public void close() {
            machine.close();
        }
    }

    private record Ending(String serial, Architectural cpu) { }

    /**
     * What a guest can observe of the CPU: registers, flags, segments, control and table registers. Not MSRs (the
     * time-stamp counter and KVM's own MSRs differ by nature), not the x87 image (none of these guests uses it).
     */
    private record Architectural(String gprs, long rip, long rflags, String segments, long cr0, long cr3, long cr4,
                                 String tables) {
        static Architectural of(CpuState s) {
            return new Architectural(Arrays.toString(Arrays.copyOf(s.gprs(), 8)), s.rip(), s.rflags(),
                    String.join(" ", s.es().toString(), s.cs().toString(), s.ss().toString(), s.ds().toString(),
                            s.fs().toString(), s.gs().toString()),
                    s.cr0(), s.cr3(), s.cr4(), s.gdtr() + " " + s.idtr());
        }
    }

    private static Ending run(TestGuest guest, ClockMode clock, Function<Platform, Executor> executor)
            throws Exception {
        try (Run run = new Run(guest, clock, executor)) {
            if (guest == TestGuest.KEYBOARD) {
                run.awaitLine("KEYS READY");
                KeyboardGuestKeys.type(run.machine.board().input());
            } else if (guest == TestGuest.VGA_MODEX) {
                run.awaitLine("PAGE 0 SHOWN, start address 0000");
                run.terminal.type("x");
            }
            return run.finish();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestGuest.class, names = "PM32", mode = EnumSource.Mode.EXCLUDE)
    void guestPrintsWhatItPrintsUnderQemuAndEndsAsOnTheSoftwareCpu(TestGuest guest) throws Exception {
        Ending kvm = run(guest, ClockMode.REALTIME, KvmExecutor::new);
        assertEquals(guest.expectedSerial(), kvm.serial(), "serial output under KVM");
        Ending software = run(guest, ClockMode.DETERMINISTIC, SoftwareExecutor::new);
        assertEquals(guest.expectedSerial(), software.serial(), "serial output on the software CPU");
        assertEquals(software.cpu(), kvm.cpu(), "final CPU state, software vs KVM");
    }

    @Test
    void guestMovesFromKvmToSoftwareAndBackMidRunWithItsOutputUnchanged() throws Exception {
        TestGuest guest = TestGuest.SERIAL;
        try (Run run = new Run(guest, ClockMode.REALTIME, KvmExecutor::new)) {
            run.awaitLine("LCR read back: 1B ok");
            assertEquals("software", switchPaused(run.machine, SoftwareExecutor::new));
            run.awaitLine("LSR idle: 60 ok");
            assertEquals("kvm", switchPaused(run.machine, KvmExecutor::new));
            Ending end = run.finish();
            assertEquals(guest.expectedSerial(), end.serial());
            assertEquals("kvm", run.machine.executorName());
        }
    }

    @Test
    void guestMovesFromSoftwareToKvmMidRunWithItsOutputUnchanged() throws Exception {
        TestGuest guest = TestGuest.PIT;
        try (Run run = new Run(guest, ClockMode.REALTIME, SoftwareExecutor::new)) {
            String firstLine = guest.expectedSerial().lines().skip(1).findFirst().orElseThrow();
            run.awaitLine(firstLine);
            assertEquals("kvm", switchPaused(run.machine, KvmExecutor::new));
            Ending end = run.finish();
            assertEquals(guest.expectedSerial(), end.serial());
        }
    }

    /** Pause, hand over, resume: what a snapshot restore onto another executor will do. */
    private static String switchPaused(Machine machine, Function<Platform, Executor> next) throws Exception {
        machine.pause().get(1, TimeUnit.MINUTES);
        String name = machine.switchExecutor(next).get(1, TimeUnit.MINUTES);
        machine.resume().get(1, TimeUnit.MINUTES);
        return name;
    }
}
