package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.Exit;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;

class KvmExecutorStateTest {

    private static final String COUNT_OUTPUT = "0123456789" + (char) ((0x1234 + 55) & 0xFF);

    @Test
    void uninterruptedCountPrintsDigitsAndChecksum() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "count.asm")) {
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals(COUNT_OUTPUT, m.console.toString());
        }
    }

    @Test
    void pausedGuestContinuesInAnotherExecutorWithTheSameOutput() {
        TestMachine a = new TestMachine(64 * 1024);
        try (KvmExecutor first = KvmTestSupport.realModeGuest(a, "count.asm")) {
            a.onConsole = c -> {
                if (c == '4') {
                    first.requestExit();
                }
            };
            assertEquals(Exit.EXIT_REQUESTED, first.run(Long.MAX_VALUE));
            assertEquals("01234", a.console.toString());
            CpuState paused = first.saveState();
            TestMachine b = a.copyRam();
            try (KvmExecutor second = KvmTestSupport.executorOrSkip(b)) {
                second.restoreState(paused);
                assertEquals(Exit.HALTED, second.run(Long.MAX_VALUE));
                assertEquals(COUNT_OUTPUT, a.console.toString() + b.console.toString());
            }
        }
    }

    @Test
    void savedStateRestoresToAnEqualState() {
        TestMachine a = new TestMachine(64 * 1024);
        try (KvmExecutor first = KvmTestSupport.realModeGuest(a, "count.asm")) {
            a.onConsole = c -> {
                if (c == '6') {
                    first.requestExit();
                }
            };
            first.run(Long.MAX_VALUE);
            CpuState saved = first.saveState();
            try (KvmExecutor second = KvmTestSupport.executorOrSkip(a.copyRam())) {
                second.restoreState(saved);
                assertEquals(withoutTsc(saved), withoutTsc(second.saveState()));
            }
        }
    }

    @Test
    void fpuRegistersTagsAndSseStateRoundTrip() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.executorOrSkip(m)) {
            byte[] registers = new byte[80];
            // R5 = 1.0 (top of a one-deep stack: TOP = 5), R4 = +0.0 (tagged zero), the rest empty
            registers[5 * 10 + 7] = (byte) 0x80;
            registers[5 * 10 + 8] = (byte) 0xFF;
            registers[5 * 10 + 9] = (byte) 0x3F;
            int tags = 0xFFFF & ~(3 << 10) & ~(3 << 8) | (1 << 8); // R5 valid (00), R4 zero (01)
            byte[] xmm = new byte[FpuState.XMM_BYTES];
            xmm[0] = 1;
            xmm[127] = (byte) 0xAA;
            FpuState fpu = new FpuState(0x027F, 5 << 11 | 0x20, tags, 0x1D9, 0x1234, 0, 0x5678, 0, registers,
                    0x1F00, xmm);
            CpuState state = withFpu(KvmTestSupport.realModeAt(0x1000), fpu);
            kvm.restoreState(state);
            assertEquals(fpu, kvm.saveState().fpu());
        }
    }

    @Test
    void debugRegistersSysenterMsrsAndInterruptShadowRoundTrip() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.executorOrSkip(m)) {
            CpuState base = KvmTestSupport.realModeAt(0x1000);
            TreeMap<Integer, Long> msrs = new TreeMap<>();
            msrs.put(0x174, 0x10L);
            msrs.put(0x175, 0x9000L);
            msrs.put(0x176, 0xC000_1000L);
            long[] dr = {0x1000, 0x2000, 0x3000, 0x4000, 0, 0, 0xFFFF0FF0L, 0x401};
            CpuState state = new CpuState(base.gprs(), base.rip(), 0x202, base.es(), base.cs(), base.ss(),
                    base.ds(), base.fs(), base.gs(), base.ldtr(), base.tr(), base.gdtr(), base.idtr(), base.cr0(),
                    0, 0, 0, 0, dr, msrs, base.fpu(), false, CpuState.SHADOW_STI, false, true, -1);
            kvm.restoreState(state);
            CpuState back = kvm.saveState();
            assertArrayEquals(dr, back.debugRegisters());
            assertEquals(0xC000_1000L, back.msr(0x176, -1));
            assertEquals(CpuState.SHADOW_STI, back.interruptShadow());
            assertTrue(back.nmiBlocked());
        }
    }

    @Test
    void resetGivesThePowerOnState() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "count.asm")) {
            kvm.run(Long.MAX_VALUE);
            kvm.reset();
            CpuState s = kvm.saveState();
            assertEquals(0xF000, s.cs().selector());
            assertEquals(0xFFFF_0000L, s.cs().base());
            assertEquals(0xFFF0, s.rip());
            assertEquals(2, s.rflags());
            assertEquals(CpuidPolicy.signature(kvm.cpuid()), (int) s.gpr(CpuState.RDX));
            assertEquals(0x6000_0010L, s.cr0());
            assertEquals(FpuState.powerOn(), s.fpu());
            assertEquals(0x0007_0406_0007_0406L, s.msr(0x277, -1));
            assertFalse(s.halted());
        }
    }

    @Test
    void freshExecutorStartsAtTheResetVector() {
        TestMachine m = new TestMachine(64 * 1024);
        var rom = GuestMemory.allocate(64 * 1024);
        // at FFFF_FFF0: mov al,'R' / out E9h,al / hlt
        rom.put(0xFFF0, new byte[] {(byte) 0xB0, 'R', (byte) 0xE6, (byte) 0xE9, (byte) 0xF4});
        m.addRegion(new MemoryRegion("bios", 0xFFFF_0000L, rom, true));
        try (KvmExecutor kvm = KvmTestSupport.executorOrSkip(m)) {
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals("R", m.console.toString());
        }
    }

    @Test
    void inconsistentStateIsRefusedBeforeAnythingChanges() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "count.asm")) {
            CpuState before = kvm.saveState();
            CpuState bad = withCr0(before, 0x8000_0010L); // paging without protection
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kvm.restoreState(bad));
            assertEquals("invalid CPU state: CR0.PG set without CR0.PE", e.getMessage());
            assertEquals(withoutTsc(before), withoutTsc(kvm.saveState()));
        }
    }

    @Test
    void stateKvmRefusesIsRolledBackAndNamed() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "count.asm")) {
            CpuState before = kvm.saveState();
            TreeMap<Integer, Long> msrs = new TreeMap<>(before.msrs());
            msrs.put(0x0BAD_0BAD, 1L);
            CpuState bad = withGpr(before.withMsrs(msrs), CpuState.RAX, 0x7777);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kvm.restoreState(bad));
            assertTrue(e.getMessage().startsWith("CPU state refused by KVM: KVM_SET_MSRS (MSR 0xbad0bad"),
                    e.getMessage());
            assertEquals(withoutTsc(before), withoutTsc(kvm.saveState()));
        }
    }

    @Test
    void interruptInjectedJustBeforeAPauseIsDeliveredNotLost() {
        TestMachine a = new TestMachine(64 * 1024);
        try (KvmExecutor first = KvmTestSupport.realModeGuest(a, "interrupts.asm")) {
            assertEquals(Exit.HALTED, first.run(Long.MAX_VALUE));
            // The pause request lands between the acknowledge and KVM_RUN: KVM holds the vector, the PIC has let go.
            a.onAcknowledge = first::requestExit;
            a.raise(0x20);
            assertEquals(Exit.EXIT_REQUESTED, first.run(Long.MAX_VALUE));
            assertEquals("SI", a.console.toString(), "the run went on until KVM had delivered the interrupt");
            CpuState paused = first.saveState();
            TestMachine b = a.copyRam();
            try (KvmExecutor second = KvmTestSupport.executorOrSkip(b)) {
                second.restoreState(paused);
                assertEquals(Exit.HALTED, second.run(Long.MAX_VALUE));
            }
            assertEquals("", b.console.toString());
            assertEquals(1, a.acknowledged);
        }
    }

    @Test
    void pendingNmiMovesWithTheState() {
        TestMachine a = new TestMachine(64 * 1024);
        try (KvmExecutor first = KvmTestSupport.realModeGuest(a, "nmi.asm")) {
            assertEquals(Exit.HALTED, first.run(Long.MAX_VALUE));
            first.raiseNmi();
            CpuState paused = first.saveState();
            assertTrue(paused.nmiPending());
            assertTrue(paused.halted());
            TestMachine b = a.copyRam();
            try (KvmExecutor second = KvmTestSupport.executorOrSkip(b)) {
                second.restoreState(paused);
                assertEquals(Exit.HALTED, second.run(Long.MAX_VALUE));
                assertEquals("N", b.console.toString());
            }
        }
    }

    /** The TSC keeps running between two reads; everything else must match. */
    private static CpuState withoutTsc(CpuState s) {
        TreeMap<Integer, Long> msrs = new TreeMap<>(s.msrs());
        msrs.remove(PortableMsrs.IA32_TSC);
        return s.withMsrs(msrs);
    }

    private static CpuState withFpu(CpuState s, FpuState fpu) {
        return new CpuState(s.gprs(), s.rip(), s.rflags(), s.es(), s.cs(), s.ss(), s.ds(), s.fs(), s.gs(), s.ldtr(),
                s.tr(), s.gdtr(), s.idtr(), s.cr0(), s.cr2(), s.cr3(), s.cr4() | 0x200, s.efer(),
                s.debugRegisters(), s.msrs(), fpu, s.halted(), s.interruptShadow(), s.nmiPending(), s.nmiBlocked(),
                s.instructionsRetired());
    }

    private static CpuState withCr0(CpuState s, long cr0) {
        return new CpuState(s.gprs(), s.rip(), s.rflags(), s.es(), s.cs(), s.ss(), s.ds(), s.fs(), s.gs(), s.ldtr(),
                s.tr(), s.gdtr(), s.idtr(), cr0, s.cr2(), s.cr3(), s.cr4(), s.efer(), s.debugRegisters(), s.msrs(),
                s.fpu(), s.halted(), s.interruptShadow(), s.nmiPending(), s.nmiBlocked(), s.instructionsRetired());
    }

    private static CpuState withGpr(CpuState s, int index, long value) {
        long[] gprs = s.gprs();
        gprs[index] = value;
        return new CpuState(gprs, s.rip(), s.rflags(), s.es(), s.cs(), s.ss(), s.ds(), s.fs(), s.gs(), s.ldtr(),
                s.tr(), s.gdtr(), s.idtr(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.efer(), s.debugRegisters(),
                s.msrs(), s.fpu(), s.halted(), s.interruptShadow(), s.nmiPending(), s.nmiBlocked(),
                s.instructionsRetired());
    }
}
