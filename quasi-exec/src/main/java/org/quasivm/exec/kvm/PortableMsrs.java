package org.quasivm.exec.kvm;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The MSRs a {@code CpuState} carries between executors: the set the software CPU keeps for the CPU it models
 * (TSC, APIC base, microcode signature, SYSENTER, PAT, MTRRs), with their RESET values. EFER and the segment bases
 * have fields of their own.
 */
final class PortableMsrs {

    static final int IA32_TSC = 0x10;
    static final int IA32_APIC_BASE = 0x1B;
    static final int IA32_BIOS_SIGN_ID = 0x8B;
    static final int IA32_SYSENTER_CS = 0x174;
    static final int IA32_SYSENTER_ESP = 0x175;
    static final int IA32_SYSENTER_EIP = 0x176;
    static final int MTRR_PHYS_BASE0 = 0x200;
    static final int MTRR_FIX64K_00000 = 0x250;
    static final int MTRR_FIX16K_80000 = 0x258;
    static final int MTRR_FIX16K_A0000 = 0x259;
    static final int MTRR_FIX4K_C0000 = 0x268;
    static final int IA32_PAT = 0x277;
    static final int MTRR_DEF_TYPE = 0x2FF;

    /** PAT at RESET: WB, WT, UC-, UC repeated (Intel SDM vol. 3, 11.12.4). */
    static final long PAT_RESET = 0x0007_0406_0007_0406L;
    /**
     * APIC base at RESET: FEE00000h, bootstrap processor, global enable off. The machine has no local APIC (the
     * 8259s interrupt the CPU directly), and KVM derives CPUID.1:EDX.APIC from the enable bit: with it on, a guest
     * under KVM would see an APIC the software CPU does not claim (the same value as {@code CpuSystem}'s).
     */
    static final long APIC_BASE_RESET = 0xFEE0_0100L;

    static final int[] INDICES = indices();

    private PortableMsrs() {
    }

    private static int[] indices() {
        int[] fixed = {IA32_TSC, IA32_APIC_BASE, IA32_BIOS_SIGN_ID, IA32_SYSENTER_CS, IA32_SYSENTER_ESP,
            IA32_SYSENTER_EIP, MTRR_FIX64K_00000, MTRR_FIX16K_80000, MTRR_FIX16K_A0000, IA32_PAT, MTRR_DEF_TYPE};
        int[] all = new int[fixed.length + 16 + 8];
        System.arraycopy(fixed, 0, all, 0, fixed.length);
        for (int i = 0; i < 16; i++) {
            all[fixed.length + i] = MTRR_PHYS_BASE0 + i; // base/mask pairs of the 8 variable ranges
        }
        for (int i = 0; i < 8; i++) {
            all[fixed.length + 16 + i] = MTRR_FIX4K_C0000 + i;
        }
        java.util.Arrays.sort(all);
        return all;
    }

    /** Every portable MSR at its RESET value. */
    static SortedMap<Integer, Long> resetValues() {
        SortedMap<Integer, Long> msrs = new TreeMap<>();
        for (int index : INDICES) {
            msrs.put(index, 0L);
        }
        msrs.put(IA32_PAT, PAT_RESET);
        msrs.put(IA32_APIC_BASE, APIC_BASE_RESET);
        return msrs;
    }
}
