package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.util.BitSet;

import org.quasivm.nativehelper.libc.LibC;
import org.quasivm.nativehelper.libc.NativeFd;

/** A KVM virtual machine: memory slots, dirty logging, in-kernel devices, vCPUs. */
public final class KvmVm implements AutoCloseable {

    /** Slot flag: KVM records written pages for {@link #dirtyPages}. */
    public static final int MEM_LOG_DIRTY_PAGES = 1;
    /** Slot flag: guest writes do not reach the memory; they exit as MMIO. */
    public static final int MEM_READONLY = 2;

    private static final int PAGE_SIZE = 4096;

    private final NativeFd fd;
    private final int vcpuMmapSize;

    KvmVm(NativeFd fd, int vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /** VM-level KVM_CHECK_EXTENSION (some answers depend on the VM). */
    public int checkExtension(KvmCapability capability) {
        return ioctl(KvmIoctl.KVM_CHECK_EXTENSION, capability.number());
    }

    /**
     * KVM_SET_USER_MEMORY_REGION: maps {@code size} bytes of host memory at {@code hostAddress} as guest-physical
     * {@code guestAddress} in {@code slot}; a size of 0 deletes the slot.
     */
    public void setUserMemoryRegion(int slot, int flags, long guestAddress, long size, long hostAddress) {
        ByteBuffer b = NativeStruct.allocate(32);
        b.putInt(0, slot);
        b.putInt(4, flags);
        b.putLong(8, guestAddress);
        b.putLong(16, size);
        b.putLong(24, hostAddress);
        ioctl(KvmIoctl.KVM_SET_USER_MEMORY_REGION, NativeStruct.address(b));
    }

    /**
     * KVM_GET_DIRTY_LOG: the pages of a slot (logging enabled) written since the last call, as page indices
     * relative to the slot's start. Reading resets the log.
     */
    public BitSet dirtyPages(int slot, long slotSize) {
        long pages = (slotSize + PAGE_SIZE - 1) / PAGE_SIZE;
        int words = (int) ((pages + 63) / 64);
        ByteBuffer bitmap = NativeStruct.allocate(words * 8);
        ByteBuffer request = NativeStruct.allocate(16);
        request.putInt(0, slot);
        request.putLong(8, NativeStruct.address(bitmap));
        ioctl(KvmIoctl.KVM_GET_DIRTY_LOG, NativeStruct.address(request));
        long[] bits = new long[words];
        for (int i = 0; i < words; i++) {
            bits[i] = bitmap.getLong(8 * i);
        }
        return BitSet.valueOf(bits);
    }

    /** KVM_SET_TSS_ADDR: three pages of guest-physical space KVM needs on Intel for real-mode emulation. */
    public void setTssAddress(long address) {
        ioctl(KvmIoctl.KVM_SET_TSS_ADDR, address);
    }

    /** KVM_SET_IDENTITY_MAP_ADDR: one page for the EPT identity map on Intel. */
    public void setIdentityMapAddress(long address) {
        ByteBuffer b = NativeStruct.allocate(8);
        b.putLong(0, address);
        ioctl(KvmIoctl.KVM_SET_IDENTITY_MAP_ADDR, NativeStruct.address(b));
    }

    /** KVM_CREATE_IRQCHIP: in-kernel PIC pair, IOAPIC and local APICs. */
    public void createIrqchip() {
        ioctl(KvmIoctl.KVM_CREATE_IRQCHIP, 0);
    }

    /** KVM_IRQ_LINE: drives an in-kernel interrupt controller input. */
    public void irqLine(int irq, boolean high) {
        ByteBuffer b = NativeStruct.allocate(8);
        b.putInt(0, irq);
        b.putInt(4, high ? 1 : 0);
        ioctl(KvmIoctl.KVM_IRQ_LINE, NativeStruct.address(b));
    }

    /** KVM_CREATE_PIT2: the in-kernel 8254 (needs the in-kernel irqchip). */
    public void createPit2() {
        ioctl(KvmIoctl.KVM_CREATE_PIT2, NativeStruct.address(NativeStruct.allocate(64)));
    }

    /** KVM_CREATE_VCPU and maps its kvm_run page. */
    public KvmVcpu createVcpu(int id) {
        NativeFd vcpuFd = NativeFd.adopt(ioctl(KvmIoctl.KVM_CREATE_VCPU, id));
        return KvmVcpu.map(vcpuFd, vcpuMmapSize);
    }

    private int ioctl(KvmIoctl ioctl, long arg) {
        int rc = LibC.ioctl(fd.value(), ioctl.request(), arg);
        if (rc < 0) {
            throw new KvmException(ioctl, LibC.errno());
        }
        return rc;
    }

    @Override
    public void close() {
        fd.close();
    }
}
