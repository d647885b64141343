package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** The x87 unit as the integer CPU drives it: operands, flags, CR0.EM/TS/MP/NE, FERR#, FXSAVE/FXRSTOR. */
class X87IntegrationTest {
    private final TestMachine m = new TestMachine(4 << 20, new CpuFeatures(true, false));
    private final PmFixture pm = new PmFixture(m);

    private CpuState run(String asm) {
        pm.code32(asm + "\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(10_000);
        return pm.state();
    }

    @Test
    void cpuidAdvertisesFpuAndFxsrWithTheUnit() {
        CpuState s = run("mov eax, 1\ncpuid");
        assertEquals(1, s.gpr(CpuState.RDX) & 1);
        assertEquals(1 << 24, s.gpr(CpuState.RDX) & (1 << 24));
        assertEquals(0, s.gpr(CpuState.RDX) & (1 << 23), "no MMX");
    }

    @Test
    void arithmeticOnMemoryOperandsRoundTripsThroughTheStack() {
        m.write64(0x40000, Double.doubleToLongBits(1.5));
        m.write32(0x40008, Float.floatToIntBits(2.25f));
        run("fninit\nfld qword [0x40000]\nfadd dword [0x40008]\nfistp dword [0x40010]\nfld1\nfstp qword [0x40018]");
        assertEquals(4, m.read32(0x40010), "3.75 rounds to nearest");
        assertEquals(1.0, Double.longBitsToDouble(m.ram.getLong(0x40018)));
    }

    @Test
    void fnstswAxAndFcomiReportComparisons() {
        CpuState s = run("fninit\nfld1\nfldz\nfcomi st0, st1\nsetb bl\nfcom st1\nfnstsw ax");
        assertEquals(1, s.gpr(CpuState.RBX) & 0xFF, "0 < 1 sets CF");
        assertEquals(0x0100, s.gpr(CpuState.RAX) & 0x4500, "C0 set: ST(0) < ST(1)");
    }

    @Test
    void fcmovMovesOnIntegerFlags() {
        m.write32(0x40000, Float.floatToIntBits(7f));
        run("fninit\nfld dword [0x40000]\nfldz\nstc\nfcmovb st0, st1\nfistp dword [0x40004]");
        assertEquals(7, m.read32(0x40004));
    }

    @Test
    void emulationBitRaisesDeviceNotAvailable() {
        run("mov eax, cr0\nor eax, 4\nmov cr0, eax\nfld1");
        assertEquals(7, pm.haltedVector());
    }

    @Test
    void taskSwitchedBitRaisesDeviceNotAvailableForEscapesAndWaitOnlyWithMp() {
        run("mov eax, cr0\nor eax, 8\nmov cr0, eax\nfwait\nfld1");
        assertEquals(7, pm.haltedVector());
        assertEquals(PmFixture.CODE + 10, pm.stack(0), "FWAIT passed (MP clear), FLD1 faulted");
        run("mov eax, cr0\nor eax, 0xA\nmov cr0, eax\nfwait");
        assertEquals(7, pm.haltedVector());
    }

    @Test
    void pendingUnmaskedExceptionRaisesMathFaultOnTheNextWaitingInstructionWithNe() {
        // Unmask zero-divide, divide by zero, then a waiting instruction reports it.
        m.write16(0x40000, 0x037B);
        run("mov eax, cr0\nor eax, 0x20\nmov cr0, eax\nfninit\nfldcw [0x40000]\nfld1\nfldz\nfdivp st1, st0\nfnstsw ax\nmov ebx, 1\nfwait");
        assertEquals(16, pm.haltedVector());
        CpuState s = pm.state();
        assertEquals(1, s.gpr(CpuState.RBX), "no-wait FNSTSW and MOV ran first");
        assertTrue((s.gpr(CpuState.RAX) & 0x84) == 0x84, "ES and ZE in the status word");
    }

    @Test
    void pendingExceptionWithoutNeAssertsFerrAndProceeds() {
        m.write16(0x40000, 0x037B);
        CpuState s = run("fninit\nfldcw [0x40000]\nfld1\nfldz\nfdivp st1, st0\nfwait\nmov ebx, 2");
        assertEquals(-1, pm.haltedVector());
        assertEquals(2, s.gpr(CpuState.RBX));
        assertEquals(1, m.ferrAssertions);
    }

    @Test
    void undefinedEscapeEncodingRaisesInvalidOpcode() {
        m.load(PmFixture.CODE, new byte[] {(byte) 0xD9, (byte) 0xD1, (byte) 0xF4});
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(6, pm.haltedVector());
    }

    @Test
    void storeBeyondTheSegmentLimitFaultsBeforeTheStackChanges() {
        pm.setGdt(0x40, PmFixture.descriptor(0, 0xFFF, PmFixture.DATA_ACCESS, 0x4));
        run("fninit\nfld1\nmov ax, 0x40\nmov ds, ax\nfstp qword [0xFFC]");
        assertEquals(13, pm.haltedVector());
        assertEquals(7 << 11, pm.state().fpu().statusWord() & 0x3800, "the faulting FSTP did not pop");
        run("fninit\nfld1\nmov ax, 0x40\nmov ds, ax\nfstp qword [0xFF0]\nfnstsw ax");
        assertEquals(0, pm.state().gpr(CpuState.RAX) & 0x3800, "popped back to TOP 0 after the store succeeded");
    }

    @Test
    void fxsaveAndFxrstorRoundTripTheState() {
        CpuState s = run("""
                fninit
                fld1
                fldpi
                fxsave [0x40000]
                fninit
                fxrstor [0x40000]
                fstp qword [0x41000]
                fnstcw [0x41008]
                """);
        assertEquals(Math.PI, Double.longBitsToDouble(m.ram.getLong(0x41000)), 1e-15);
        assertEquals(0x037F, m.read16(0x41008));
        assertEquals(0x037F, m.read16(0x40000), "FCW at offset 0 of the image");
        assertEquals(-1, pm.haltedVector());
        assertEquals(0, s.gpr(CpuState.RAX));
    }

    @Test
    void environmentStoreInTheLastPageOfTheAddressSpaceChecksOnlyTheTwoPagesItTouches() {
        pm.identityPaging(0x7);
        m.write32(PmFixture.PAGE_DIRECTORY + 4 * 1023, PmFixture.PAGE_TABLE | 0x7); // top 4 MiB → same table
        // DS based at FFFFF000h: offset FF0h is linear FFFFFFF0h, and the 28-byte image wraps into linear page 0.
        pm.setGdt(0x40, PmFixture.descriptor(0xFFFFF000, 0xFFFFF, PmFixture.DATA_ACCESS, PmFixture.G_D));
        pm.code32("mov ax, 0x40\nmov ds, ax\nfninit\nfnstenv [0xFF0]\nmov eax, 1\nhlt");
        pm.enter(0, true, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(-1, pm.haltedVector());
        assertEquals(0x037F, m.read16(0x3FFFF0), "FCW stored through the top-of-memory mapping");
        assertEquals(1, pm.state().gpr(CpuState.RAX));
    }

    @Test
    void misalignedFxsaveRaisesGeneralProtection() {
        run("fxsave [0x40008]");
        assertEquals(13, pm.haltedVector());
        assertEquals(0, pm.stack(0));
    }

    @Test
    void fxrstorWithReservedMxcsrBitsRaisesGeneralProtection() {
        run("fxsave [0x40000]\nmov dword [0x40000 + 24], 0xFFFFFFFF\nfxrstor [0x40000]");
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void savedCpuStateCarriesTheX87Registers() {
        run("fninit\nfld1");
        CpuState s = pm.state();
        assertEquals(0x037F, s.fpu().controlWord());
        assertEquals(7 << 11, s.fpu().statusWord() & 0x3800, "one push: TOP 7");
        m.cpu.restoreState(s);
        assertEquals(s.fpu(), m.cpu.saveState().fpu());
    }
}
