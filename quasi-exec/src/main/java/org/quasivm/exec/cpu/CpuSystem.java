package org.quasivm.exec.cpu;

import org.quasivm.exec.Platform;
import org.quasivm.exec.state.SegmentState;

/**
 * Control, debug and model-specific registers, CPUID, the I/O permission check, and the RESET state.
 */
abstract class CpuSystem extends CpuTransfers {
    static final int MSR_TSC = 0x10, MSR_PLATFORM_ID = 0x17, MSR_APIC_BASE = 0x1B, MSR_BIOS_SIGN_ID = 0x8B,
            MSR_MTRR_CAP = 0xFE, MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176,
            MSR_MTRR_PHYS_BASE0 = 0x200, MSR_MTRR_FIX64K = 0x250, MSR_MTRR_FIX16K_80000 = 0x258,
            MSR_MTRR_FIX16K_A0000 = 0x259, MSR_MTRR_FIX4K_C0000 = 0x268, MSR_PAT = 0x277, MSR_MTRR_DEF_TYPE = 0x2FF;
    /** The P6 performance-monitoring counters and their event selects (Intel SDM vol. 3, 20.6.8). */
    static final int MSR_PERFCTR0 = 0xC1, MSR_PERFCTR1 = 0xC2, MSR_EVNTSEL0 = 0x186, MSR_EVNTSEL1 = 0x187;
    private static final long PERFCTR_MASK = (1L << 40) - 1;
    /** MTRRcap: 8 variable ranges, fixed ranges, write-combining. */
    static final long MTRR_CAP = 0x508;
    static final long PAT_RESET = 0x0007040600070406L;
    /** FEE00000h, bootstrap processor, global enable off: this CPU has no local APIC (CPUID.1:EDX.APIC clear). */
    static final long APIC_BASE_RESET = 0xFEE00100L;

    final Platform platform;
    final CpuFeatures features;

    long tscOffset;
    long sysenterCs;
    long sysenterEsp;
    long sysenterEip;
    long apicBase = APIC_BASE_RESET;
    long pat = PAT_RESET;
    /**
     * P6 performance counters: stored, readable and writable as on a Pentium II, but no events are counted (as in
     * QEMU's TCG); Linux's P6 PMU driver probes them. Not part of CpuState: nothing to carry while nothing counts.
     */
    final long[] perfCounters = new long[2];
    final long[] eventSelects = new long[2];
    long biosSignId;
    long mtrrDefType;
    final long[] mtrrVariable = new long[16];
    final long[] mtrrFixed = new long[11];

    private final int[] cpuidOut = new int[4];

    CpuSystem(Platform platform, CpuFeatures features) {
        super(platform.memory());
        this.platform = platform;
        this.features = features;
    }

    /** RESET state (Intel SDM vol. 3, table 9-1). */
    void resetRegisters() {
        java.util.Arrays.fill(regs, 0);
        regs[EDX] = CpuFeatures.SIGNATURE;
        eip = 0xFFF0;
        cr0 = CR0_ET | CR0_NW | CR0_CD;
        cr2 = 0;
        cr3 = 0;
        cr4 = 0;
        efer = 0;
        eflags = 2;
        setArithmeticFlags(0);
        updateMode();
        int data = SegmentState.P | SegmentState.S | 0x3;
        for (int s = 0; s < 6; s++) {
            setSegment(s, 0, 0, 0xFFFF, data);
        }
        setSegment(CS, 0xF000, 0xFFFF0000, 0xFFFF, SegmentState.P | SegmentState.S | 0xB);
        gdtrBase = 0;
        gdtrLimit = 0xFFFF;
        idtrBase = 0;
        idtrLimit = 0xFFFF;
        ldtrSel = 0;
        ldtrBase = 0;
        ldtrLimit = 0xFFFF;
        ldtrAttr = SegmentState.P | LDT;
        trSel = 0;
        trBase = 0;
        trLimit = 0xFFFF;
        trAttr = SegmentState.P | TSS32_BUSY;
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xFFFF0FF0;
        dr[7] = 0x400;
        tscOffset = -platform.timeStampCounter().getAsLong();
        sysenterCs = 0;
        sysenterEsp = 0;
        sysenterEip = 0;
        apicBase = APIC_BASE_RESET;
        pat = PAT_RESET;
        biosSignId = 0;
        mtrrDefType = 0;
        java.util.Arrays.fill(perfCounters, 0);
        java.util.Arrays.fill(eventSelects, 0);
        java.util.Arrays.fill(mtrrVariable, 0);
        java.util.Arrays.fill(mtrrFixed, 0);
        setCpl(0);
        flushTlb();
    }

    /** #GP(0) unless at CPL 0 (real mode counts as CPL 0; virtual-8086 mode never does). */
    final void requireCpl0() {
        if (v86 || (protectedMode && cpl != 0)) {
            throw fault(CpuFault.GP, 0);
        }
    }

    // ---- control registers ----

    final int readControlRegister(int n) {
        requireCpl0();
        return switch (n) {
            case 0 -> cr0;
            case 2 -> cr2;
            case 3 -> cr3;
            case 4 -> cr4;
            default -> throw fault(CpuFault.UD);
        };
    }

    final void writeControlRegister(int n, int v) {
        requireCpl0();
        switch (n) {
            case 0 -> writeCr0(v);
            case 2 -> cr2 = v;
            case 3 -> {
                cr3 = v & 0xFFFFF018;
                if ((cr4 & CR4_PGE) != 0) {
                    flushNonGlobalTlb();
                } else {
                    flushTlb();
                }
            }
            case 4 -> writeCr4(v);
            default -> throw fault(CpuFault.UD);
        }
    }

    final void writeCr0(int v) {
        v |= CR0_ET;
        if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        if ((v & CR0_NW) != 0 && (v & CR0_CD) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        int defined = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG;
        int old = cr0;
        cr0 = v & defined;
        if (((old ^ cr0) & (CR0_PG | CR0_WP | CR0_PE)) != 0) {
            flushTlb();
        }
        if (((old ^ cr0) & CR0_PE) != 0) {
            updateMode();
        }
        updateAccessView();
    }

    final int cr4Writable() {
        return CR4_TSD | CR4_PSE | CR4_PGE | CR4_PCE | (features.fpu() ? CR4_OSFXSR : 0);
    }

    final void writeCr4(int v) {
        if ((v & ~cr4Writable()) != 0) {
            throw fault(CpuFault.GP, 0);
        }
        int old = cr4;
        cr4 = v;
        if (((old ^ v) & (CR4_PSE | CR4_PGE)) != 0) {
            flushTlb();
        }
    }

    // ---- debug registers (storage: breakpoints are not implemented) ----

    final int readDebugRegister(int n) {
        requireCpl0();
        return dr[debugIndex(n)];
    }

    final void writeDebugRegister(int n, int v) {
        requireCpl0();
        int i = debugIndex(n);
        if (i == 6) {
            v = (v & 0xE00F) | 0xFFFF0FF0;
        } else if (i == 7) {
            v = (v & 0xFFFF23FF) | 0x400;
        }
        dr[i] = v;
    }

    private int debugIndex(int n) {
        if (n == 4 || n == 5) {
            return n + 2;
        }
        return n;
    }

    // ---- MSRs ----

    final long timeStampCounter() {
        return platform.timeStampCounter().getAsLong() + tscOffset;
    }

    /** RDMSR; unknown MSRs raise #GP(0). */
    final long readMsr(int index) {
        return switch (index) {
            case MSR_TSC -> timeStampCounter();
            case MSR_PLATFORM_ID -> 0;
            case MSR_APIC_BASE -> apicBase;
            case MSR_BIOS_SIGN_ID -> biosSignId;
            case MSR_MTRR_CAP -> MTRR_CAP;
            case MSR_SYSENTER_CS -> sysenterCs;
            case MSR_SYSENTER_ESP -> sysenterEsp;
            case MSR_SYSENTER_EIP -> sysenterEip;
            case MSR_PAT -> pat;
            case MSR_MTRR_DEF_TYPE -> mtrrDefType;
            case MSR_PERFCTR0, MSR_PERFCTR1 -> perfCounters[index - MSR_PERFCTR0];
            case MSR_EVNTSEL0, MSR_EVNTSEL1 -> eventSelects[index - MSR_EVNTSEL0];
            default -> {
                int fixed = mtrrFixedIndex(index);
                if (fixed >= 0) {
                    yield mtrrFixed[fixed];
                }
                if (index >= MSR_MTRR_PHYS_BASE0 && index < MSR_MTRR_PHYS_BASE0 + 16) {
                    yield mtrrVariable[index - MSR_MTRR_PHYS_BASE0];
                }
                throw fault(CpuFault.GP, 0);
            }
        };
    }

    final void writeMsr(int index, long v) {
        switch (index) {
            case MSR_TSC -> tscOffset = v - platform.timeStampCounter().getAsLong();
            case MSR_APIC_BASE -> {
                if ((v & ~0xFFFFF900L) != 0) {
                    throw fault(CpuFault.GP, 0);
                }
                apicBase = v;
            }
            case MSR_BIOS_SIGN_ID -> biosSignId = v;
            case MSR_SYSENTER_CS -> sysenterCs = v & 0xFFFF;
            case MSR_SYSENTER_ESP -> sysenterEsp = v & 0xFFFFFFFFL;
            case MSR_SYSENTER_EIP -> sysenterEip = v & 0xFFFFFFFFL;
            case MSR_PAT -> {
                for (int i = 0; i < 8; i++) {
                    int type = (int) (v >>> (8 * i)) & 0xFF;
                    if (type == 2 || type == 3 || type > 7) {
                        throw fault(CpuFault.GP, 0);
                    }
                }
                pat = v;
            }
            case MSR_MTRR_DEF_TYPE -> {
                if ((v & ~0xCFFL) != 0) {
                    throw fault(CpuFault.GP, 0);
                }
                mtrrDefType = v;
            }
            // A P6 counter takes the low 32 bits written, sign-extended to its 40 bits.
            case MSR_PERFCTR0, MSR_PERFCTR1 -> perfCounters[index - MSR_PERFCTR0] = ((long) (int) v) & PERFCTR_MASK;
            case MSR_EVNTSEL0, MSR_EVNTSEL1 -> eventSelects[index - MSR_EVNTSEL0] = v & 0xFFFFFFFFL;
            default -> {
                int fixed = mtrrFixedIndex(index);
                if (fixed >= 0) {
                    mtrrFixed[fixed] = v;
                } else if (index >= MSR_MTRR_PHYS_BASE0 && index < MSR_MTRR_PHYS_BASE0 + 16) {
                    mtrrVariable[index - MSR_MTRR_PHYS_BASE0] = v & 0xFFFFFFFFFL;
                } else {
                    throw fault(CpuFault.GP, 0);
                }
            }
        }
    }

    private static int mtrrFixedIndex(int index) {
        if (index == MSR_MTRR_FIX64K) {
            return 0;
        }
        if (index == MSR_MTRR_FIX16K_80000 || index == MSR_MTRR_FIX16K_A0000) {
            return 1 + index - MSR_MTRR_FIX16K_80000;
        }
        if (index >= MSR_MTRR_FIX4K_C0000 && index < MSR_MTRR_FIX4K_C0000 + 8) {
            return 3 + index - MSR_MTRR_FIX4K_C0000;
        }
        return -1;
    }

    // ---- CPUID ----

    final void cpuid() {
        features.query(r32(EAX), cpuidOut);
        w32(EAX, cpuidOut[0]);
        w32(EBX, cpuidOut[1]);
        w32(ECX, cpuidOut[2]);
        w32(EDX, cpuidOut[3]);
    }

    // ---- I/O permission ----

    /**
     * IN/OUT/INS/OUTS permission: in protected mode with CPL > IOPL, and always in virtual-8086 mode, every port
     * bit in the TSS I/O permission bitmap must be clear (Intel SDM vol. 1, 19.5).
     */
    final void checkIoPermission(int port, int size) {
        if (!v86 && (!protectedMode || cpl <= iopl())) {
            return;
        }
        int type = attrType(trAttr);
        if ((type != TSS32_BUSY && type != TSS32_AVAILABLE) || (trLimit & 0xFFFFFFFFL) < 0x67) {
            throw fault(CpuFault.GP, 0);
        }
        int mapBase = readSys16(trBase + 0x66) & 0xFFFF;
        long byteOffset = mapBase + (port >>> 3);
        if (byteOffset + 1 > (trLimit & 0xFFFFFFFFL)) {
            throw fault(CpuFault.GP, 0);
        }
        int bits = readSys16(trBase + (int) byteOffset) & 0xFFFF;
        if (((bits >>> (port & 7)) & ((1 << size) - 1)) != 0) {
            throw fault(CpuFault.GP, 0);
        }
    }
}
