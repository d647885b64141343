package org.quasivm.nativehelper.kvm;

/** KVM_CHECK_EXTENSION capabilities QuasiVM looks at (numbers from linux/kvm.h). */
public enum KvmCapability {
    IRQCHIP(0),
    HLT(1),
    USER_MEMORY(3),
    SET_TSS_ADDR(4),
    EXT_CPUID(7),
    NR_VCPUS(9),
    NR_MEMSLOTS(10),
    PIT(11),
    NOP_IO_DELAY(12),
    MP_STATE(14),
    COALESCED_MMIO(15),
    SYNC_MMU(16),
    USER_NMI(22),
    SET_GUEST_DEBUG(23),
    IRQ_ROUTING(25),
    IRQFD(32),
    PIT2(33),
    IOEVENTFD(36),
    SET_IDENTITY_MAP_ADDR(37),
    ADJUST_CLOCK(39),
    VCPU_EVENTS(41),
    DEBUGREGS(50),
    X86_ROBUST_SINGLESTEP(51),
    XSAVE(55),
    XCRS(56),
    TSC_CONTROL(60),
    GET_TSC_KHZ(61),
    MAX_VCPUS(66),
    READONLY_MEM(81),
    IMMEDIATE_EXIT(136),
    EXCEPTION_PAYLOAD(164),
    MANUAL_DIRTY_LOG_PROTECT2(168),
    DIRTY_LOG_RING(192),
    XSAVE2(208);

    private final int number;

    KvmCapability(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
