package org.quasivm.nativehelper.kvm;

/**
 * The KVM ioctls QuasiVM uses, with their request numbers built the way linux/kvm.h builds them
 * ({@code _IO/_IOR/_IOW/_IOWR(KVMIO, nr, type)}). The constant's name is the ioctl's name in error messages.
 */
public enum KvmIoctl {
    // system (/dev/kvm)
    KVM_GET_API_VERSION(Dir.NONE, 0x00, 0),
    KVM_CREATE_VM(Dir.NONE, 0x01, 0),
    KVM_GET_MSR_INDEX_LIST(Dir.READ_WRITE, 0x02, 4),
    KVM_CHECK_EXTENSION(Dir.NONE, 0x03, 0),
    KVM_GET_VCPU_MMAP_SIZE(Dir.NONE, 0x04, 0),
    KVM_GET_SUPPORTED_CPUID(Dir.READ_WRITE, 0x05, 8),
    // VM
    KVM_CREATE_VCPU(Dir.NONE, 0x41, 0),
    KVM_GET_DIRTY_LOG(Dir.WRITE, 0x42, 16),
    KVM_SET_USER_MEMORY_REGION(Dir.WRITE, 0x46, 32),
    KVM_SET_TSS_ADDR(Dir.NONE, 0x47, 0),
    KVM_SET_IDENTITY_MAP_ADDR(Dir.WRITE, 0x48, 8),
    KVM_CREATE_IRQCHIP(Dir.NONE, 0x60, 0),
    KVM_IRQ_LINE(Dir.WRITE, 0x61, 8),
    KVM_CREATE_PIT2(Dir.WRITE, 0x77, 64),
    // vCPU
    KVM_RUN(Dir.NONE, 0x80, 0),
    KVM_GET_REGS(Dir.READ, 0x81, KvmRegs.SIZE),
    KVM_SET_REGS(Dir.WRITE, 0x82, KvmRegs.SIZE),
    KVM_GET_SREGS(Dir.READ, 0x83, KvmSregs.SIZE),
    KVM_SET_SREGS(Dir.WRITE, 0x84, KvmSregs.SIZE),
    KVM_INTERRUPT(Dir.WRITE, 0x86, 4),
    KVM_GET_MSRS(Dir.READ_WRITE, 0x88, 8),
    KVM_SET_MSRS(Dir.WRITE, 0x89, 8),
    KVM_GET_FPU(Dir.READ, 0x8c, KvmFpu.SIZE),
    KVM_SET_FPU(Dir.WRITE, 0x8d, KvmFpu.SIZE),
    KVM_SET_CPUID2(Dir.WRITE, 0x90, 8),
    KVM_GET_CPUID2(Dir.READ_WRITE, 0x91, 8),
    KVM_GET_MP_STATE(Dir.READ, 0x98, 4),
    KVM_SET_MP_STATE(Dir.WRITE, 0x99, 4),
    KVM_NMI(Dir.NONE, 0x9a, 0),
    KVM_GET_VCPU_EVENTS(Dir.READ, 0x9f, KvmVcpuEvents.SIZE),
    KVM_SET_VCPU_EVENTS(Dir.WRITE, 0xa0, KvmVcpuEvents.SIZE),
    KVM_GET_DEBUGREGS(Dir.READ, 0xa1, KvmDebugRegs.SIZE),
    KVM_SET_DEBUGREGS(Dir.WRITE, 0xa2, KvmDebugRegs.SIZE),
    KVM_GET_XSAVE(Dir.READ, 0xa4, KvmXsave.SIZE),
    KVM_SET_XSAVE(Dir.WRITE, 0xa5, KvmXsave.SIZE);

    /** ioctl direction bits, from the caller's point of view. */
    enum Dir {
        NONE(0), WRITE(1), READ(2), READ_WRITE(3);

        final int bits;

        Dir(int bits) {
            this.bits = bits;
        }
    }

    static final int KVMIO = 0xAE;

    private final long request;

    KvmIoctl(Dir dir, int nr, int size) {
        this.request = ((long) dir.bits << 30) | ((long) size << 16) | (KVMIO << 8) | nr;
    }

    /** The request number passed to ioctl(2). */
    public long request() {
        return request;
    }
}
