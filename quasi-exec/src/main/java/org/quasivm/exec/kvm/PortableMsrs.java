package org.quasivm.exec.kvm;

/**
 * The MSRs a {@code CpuState} carries between executors for the CPU we advertise (see {@link CpuidPolicy}):
 * the time-stamp counter, SYSENTER and PAT. EFER and the segment bases have fields of their own.
 */
final class PortableMsrs {

    static final int IA32_TSC = 0x10;
    static final int IA32_SYSENTER_CS = 0x174;
    static final int IA32_SYSENTER_ESP = 0x175;
    static final int IA32_SYSENTER_EIP = 0x176;
    static final int IA32_PAT = 0x277;

    /** PAT at RESET: WB, WT, UC-, UC repeated (Intel SDM vol. 3, 11.12.4). */
    static final long PAT_RESET = 0x0007_0406_0007_0406L;

    static final int[] INDICES = {IA32_TSC, IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP, IA32_PAT};
    static final long[] RESET_VALUES = {0, 0, 0, 0, PAT_RESET};

    private PortableMsrs() {
    }
}
