package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
import org.quasivm.vmm.machine.Machine;

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

    /** Serial output and the CPU state once the guest has halted for good after DONE. */
    private static Ending finish(GuestRun run) throws Exception {
        run.awaitLine("DONE");
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        CpuState cpu = run.machine.cpuState().get(1, TimeUnit.MINUTES);
        while (!cpu.halted() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            cpu = run.machine.cpuState().get(1, TimeUnit.MINUTES);
        }
        assertTrue(cpu.halted(), "the guest did not halt after DONE: " + cpu);
        return new Ending(run.serial(), Architectural.of(cpu));
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
        try (GuestRun run = new GuestRun(guest, clock, executor, RUN_LIMIT)) {
            if (guest == TestGuest.KEYBOARD) {
                run.awaitLine("KEYS READY");
                KeyboardGuestKeys.type(run.machine.board().input());
            } else if (guest == TestGuest.VGA_MODEX) {
                run.awaitLine("PAGE 0 SHOWN, start address 0000");
                run.terminal.type("x");
            }
            return finish(run);
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
        try (GuestRun run = new GuestRun(guest, ClockMode.REALTIME, KvmExecutor::new, RUN_LIMIT)) {
            run.awaitLine("LCR read back: 1B ok");
            assertEquals("software", switchPaused(run.machine, SoftwareExecutor::new));
            run.awaitLine("LSR idle: 60 ok");
            assertEquals("kvm", switchPaused(run.machine, KvmExecutor::new));
            Ending end = finish(run);
            assertEquals(guest.expectedSerial(), end.serial());
            assertEquals("kvm", run.machine.executorName());
        }
    }

    @Test
    void guestMovesFromSoftwareToKvmMidRunWithItsOutputUnchanged() throws Exception {
        TestGuest guest = TestGuest.PIT;
        try (GuestRun run = new GuestRun(guest, ClockMode.REALTIME, SoftwareExecutor::new, RUN_LIMIT)) {
            String firstLine = guest.expectedSerial().lines().skip(1).findFirst().orElseThrow();
            run.awaitLine(firstLine);
            assertEquals("kvm", switchPaused(run.machine, KvmExecutor::new));
            Ending end = finish(run);
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
