package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** CPUID, RDTSC, MSRs, descriptor-table and segment-inspection instructions, control registers. */
class SystemInstructionTest {
    private final TestMachine m = new TestMachine();
    private final PmFixture pm = new PmFixture(m);

    private CpuState run(String asm) {
        pm.code32(asm + "\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(10_000);
        return pm.state();
    }

    @Test
    void cpuidLeafZeroNamesTheVendorAndTheHighestLeaf() {
        CpuState s = run("xor eax, eax\ncpuid");
        assertEquals(2, s.gpr(CpuState.RAX));
        assertEquals(0x756E6547L, s.gpr(CpuState.RBX));
        assertEquals(0x6C65746EL, s.gpr(CpuState.RCX));
        assertEquals(0x49656E69L, s.gpr(CpuState.RDX));
    }

    @Test
    void cpuidLeafOneAdvertisesOnlyImplementedFeatures() {
        CpuState s = run("mov eax, 1\ncpuid");
        long edx = s.gpr(CpuState.RDX);
        assertEquals(0x652, s.gpr(CpuState.RAX));
        assertEquals(0, edx & 1, "no x87 unit in this configuration");
        assertEquals(0, edx & (1 << 6), "no PAE");
        assertEquals(0, edx & (1 << 23), "no MMX");
        assertEquals(0, edx & (1 << 25), "no SSE");
        long required = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 15);
        assertEquals(required, edx & required, "PSE TSC MSR CX8 SEP PGE CMOV");
        assertEquals(0, s.gpr(CpuState.RCX));
    }

    @Test
    void extendedLeavesCarryABrandString() {
        CpuState s = run("mov eax, 0x80000000\ncpuid\nmov esi, eax\nmov eax, 0x80000002\ncpuid");
        assertEquals(0x80000004L, s.gpr(CpuState.RSI));
        assertEquals(0x73617551L, s.gpr(CpuState.RAX), "'Quas'");
    }

    @Test
    void rdtscReadsThePlatformCounterPlusTheTscOffset() {
        m.tsc = 1000;
        CpuState s = run("rdtsc");
        assertEquals(0, s.gpr(CpuState.RDX));
        assertTrue(s.gpr(CpuState.RAX) <= 1000, "counter starts near zero after reset: " + s.gpr(CpuState.RAX));
    }

    @Test
    void writingTheTscMsrSetsTheCounter() {
        m.tsc = 500;
        CpuState s = run("mov ecx, 0x10\nmov eax, 0x1000\nxor edx, edx\nwrmsr\nrdtsc");
        assertEquals(0x1000, s.gpr(CpuState.RAX));
    }

    @Test
    void rdpmcReadsTheCounterTheMsrHolds() {
        CpuState s = run("mov ecx, 0xC2\nmov eax, 0x80000001\nxor edx, edx\nwrmsr\nmov ecx, 1\nrdpmc");
        assertEquals(0x80000001L, s.gpr(CpuState.RAX));
        assertEquals(0xFF, s.gpr(CpuState.RDX), "a 32-bit write sign-extends into the 40-bit counter");
    }

    @Test
    void rdpmcOfANonexistentCounterRaisesGeneralProtection() {
        run("mov ecx, 2\nrdpmc");
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void rdpmcOutsideRingZeroNeedsCr4Pce() {
        pm.code32("xor ecx, ecx\nrdpmc\nhlt");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(10_000);
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void unknownMsrRaisesGeneralProtection() {
        run("mov ecx, 0x1234\nrdmsr");
        assertEquals(13, pm.haltedVector());
        assertEquals(0, pm.stack(0));
    }

    @Test
    void mtrrAndPatMsrsAreStored() {
        CpuState s = run("""
                mov ecx, 0x200
                mov eax, 0x00000006
                mov edx, 0
                wrmsr
                mov ecx, 0x277
                mov eax, 0x00070406
                mov edx, 0x00070106
                wrmsr
                mov ecx, 0x200
                rdmsr
                mov ebx, eax
                mov ecx, 0x277
                rdmsr
                mov esi, edx
                mov ecx, 0xfe
                rdmsr
                """);
        assertEquals(6, s.gpr(CpuState.RBX));
        assertEquals(0x00070106, s.gpr(CpuState.RSI));
        assertEquals(0x508, s.gpr(CpuState.RAX));
    }

    /** Linux's P6 PMU driver reads EVNTSEL0 and writes/reads a counter; a Pentium II has them. */
    @Test
    void p6PerformanceCounterMsrsAreStoredAndCountersSignExtendFromBit31() {
        CpuState s = run("""
                mov ecx, 0x186
                mov eax, 0x00430076
                xor edx, edx
                wrmsr
                rdmsr
                mov ebx, eax
                mov ecx, 0xc1
                mov eax, 0x80000001
                xor edx, edx
                wrmsr
                rdmsr
                """);
        assertEquals(0x00430076, s.gpr(CpuState.RBX));
        assertEquals(0x80000001L, s.gpr(CpuState.RAX));
        assertEquals(0xFF, s.gpr(CpuState.RDX), "bits 32-39 copy bit 31 of the value written");
    }

    @Test
    void invalidPatMemoryTypeRaisesGeneralProtection() {
        run("mov ecx, 0x277\nmov eax, 0x02\nxor edx, edx\nwrmsr");
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void rdmsrAtRing3RaisesGeneralProtection() {
        pm.code32("mov ecx, 0x10\nrdmsr\nint3");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void sgdtAndSidtStoreLimitAndBase() {
        run("sgdt [0x40000]\nsidt [0x40010]");
        assertEquals(PmFixture.GDT_ENTRIES * 8 - 1, m.read16(0x40000));
        assertEquals(PmFixture.GDT, m.read32(0x40002));
        assertEquals(0x7FF, m.read16(0x40010));
        assertEquals(PmFixture.IDT, m.read32(0x40012));
    }

    @Test
    void larAndLslReportAccessRightsAndByteGranularLimit() {
        CpuState s = run("mov ecx, 0x10\nlar eax, ecx\nlsl ebx, ecx\nmov ecx, 0x1234\nlsl edx, ecx\nsetz dl");
        assertEquals(0x00CF9200L, s.gpr(CpuState.RAX), "never loaded, so not yet accessed");
        assertEquals(0xFFFFFFFFL, s.gpr(CpuState.RBX));
        assertEquals(0, s.gpr(CpuState.RDX) & 0xFF, "invalid selector: ZF clear");
    }

    @Test
    void verrAndVerwTellReadableFromWritable() {
        CpuState s = run("mov cx, 0x08\nverr cx\nsetz al\nverw cx\nsetz ah\nmov cx, 0x10\nverw cx\nsetz bl");
        assertEquals(0x0001, s.gpr(CpuState.RAX) & 0xFFFF);
        assertEquals(1, s.gpr(CpuState.RBX) & 0xFF);
    }

    @Test
    void lmswSetsPeButCannotClearIt() {
        CpuState s = run("smsw ax\nand ax, 0xfffe\nlmsw ax\nsmsw bx");
        assertEquals(1, s.gpr(CpuState.RBX) & 1);
    }

    @Test
    void cltsClearsTaskSwitched() {
        CpuState s = run("mov eax, cr0\nor eax, 8\nmov cr0, eax\nclts\nmov ebx, cr0");
        assertEquals(0, s.gpr(CpuState.RBX) & 8);
    }

    @Test
    void settingAnUnimplementedCr4BitRaisesGeneralProtection() {
        run("mov eax, 1 << 5\nmov cr4, eax");
        assertEquals(13, pm.haltedVector(), "CR4.PAE is not implemented");
    }

    @Test
    void pagingWithoutProtectionRaisesGeneralProtection() {
        run("mov eax, 0x80000000\nmov cr0, eax");
        assertEquals(13, pm.haltedVector());
    }

    @Test
    void movToCr1RaisesInvalidOpcode() {
        m.load(PmFixture.CODE, new byte[] {0x0F, 0x22, (byte) 0xC8, (byte) 0xF4});
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(6, pm.haltedVector());
    }

    @Test
    void debugRegistersKeepTheirReservedBits() {
        CpuState s = run("xor eax, eax\nmov dr7, eax\nmov ebx, dr7\nmov dr6, eax\nmov ecx, dr6\nmov edx, 0x1234\nmov dr0, edx");
        assertEquals(0x400, s.gpr(CpuState.RBX));
        assertEquals(0xFFFF0FF0L, s.gpr(CpuState.RCX));
        assertEquals(0x1234, s.debugRegisters()[0]);
    }

    @Test
    void lockedRegisterFormRaisesInvalidOpcode() {
        m.load(PmFixture.CODE, new byte[] {(byte) 0xF0, 0x01, (byte) 0xC0, (byte) 0xF4});
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(6, pm.haltedVector());
    }

    @Test
    void instructionLongerThan15BytesRaisesGeneralProtection() {
        byte[] code = new byte[17];
        java.util.Arrays.fill(code, 0, 15, (byte) 0x66);
        code[15] = (byte) 0x90;
        code[16] = (byte) 0xF4;
        m.load(PmFixture.CODE, code);
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(13, pm.haltedVector());
        assertEquals(PmFixture.CODE, pm.stack(4));
    }

    @Test
    void ud2RaisesInvalidOpcode() {
        run("ud2");
        assertEquals(6, pm.haltedVector());
    }

    @Test
    void ltrMarksTheTssBusyAndStrReadsIt() {
        pm.setGdt(0x48, PmFixture.descriptor(0x6000, 0x67, PmFixture.TSS32_ACCESS, 0));
        CpuState s = run("mov ax, 0x48\nltr ax\nstr bx");
        assertEquals(0x48, s.gpr(CpuState.RBX) & 0xFFFF);
        assertEquals(0x8B, (int) (pm.gdt(0x48) >>> 40) & 0xFF);
    }

    @Test
    void ltrOfABusyTssRaisesGeneralProtection() {
        run("mov ax, 0x28\nltr ax");
        assertEquals(13, pm.haltedVector());
        assertEquals(0x28, pm.stack(0));
    }

    @Test
    void lldtLoadsAndSegmentsComeFromTheLdt() {
        int ldt = 0x7000;
        pm.setGdt(0x48, PmFixture.descriptor(ldt, 0x17, 0x82, 0));
        m.write64(ldt + 8, PmFixture.descriptor(0x40000, 0xFFFF, PmFixture.DATA_ACCESS, 0x4));
        CpuState s = run("mov ax, 0x48\nlldt ax\nmov ax, 0x0c\nmov es, ax\nmov dword [es:4], 0x1234\nsldt cx");
        assertEquals(0x1234, m.read32(0x40004));
        assertEquals(0x48, s.gpr(CpuState.RCX) & 0xFFFF);
    }

    @Test
    void arplRaisesTheRequestedPrivilege() {
        CpuState s = run("mov ax, 0x10\nmov bx, 0x13\narpl ax, bx\nsetz cl");
        assertEquals(0x13, s.gpr(CpuState.RAX) & 0xFFFF);
        assertEquals(1, s.gpr(CpuState.RCX) & 0xFF);
    }
}
