package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Pointer;

import org.quasivm.nativehelper.libc.Errno;
import org.quasivm.nativehelper.libc.ErrnoException;
import org.quasivm.nativehelper.libc.LibC;
import org.quasivm.nativehelper.libc.NativeFd;

/**
 * A KVM virtual CPU and its kvm_run page. Used by one thread at a time (KVM serialises vCPU ioctls anyway); only
 * {@link KvmRunPage#setImmediateExit(boolean)} may be touched from elsewhere.
 */
public final class KvmVcpu implements AutoCloseable {

    public static final int MP_STATE_RUNNABLE = 0;
    public static final int MP_STATE_HALTED = 3;

    private static final int MSR_ENTRY_SIZE = 16;

    private final NativeFd fd;
    private final int rawFd;
    private final long runAddress;
    private final int runSize;
    private final KvmRunPage runPage;
    /** For the small ioctls of the run loop (KVM_INTERRUPT), so they allocate nothing. */
    private final ByteBuffer scratch = NativeStruct.allocate(8);
    private final long scratchAddress = NativeStruct.address(scratch);
    private boolean closed;

    private KvmVcpu(NativeFd fd, long runAddress, int runSize) {
        this.fd = fd;
        this.rawFd = fd.value();
        this.runAddress = runAddress;
        this.runSize = runSize;
        this.runPage = new KvmRunPage(new Pointer(runAddress).getByteBuffer(0, runSize)
                .order(ByteOrder.LITTLE_ENDIAN));
    }

    static KvmVcpu map(NativeFd fd, int runSize) {
        long address = LibC.mmap(0, runSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd.value(), 0);
        if (address == LibC.MAP_FAILED) {
            int errno = LibC.errno();
            fd.close();
            throw new ErrnoException("mmap of kvm_run", errno);
        }
        return new KvmVcpu(fd, address, runSize);
    }

    public KvmRunPage runPage() {
        return runPage;
    }

    /**
     * KVM_RUN: enters the guest until the next exit to user space.
     *
     * @return 0 when {@link KvmRunPage#exitReason()} says why it returned, otherwise the errno (EINTR after a kick
     *         or an immediate exit, EAGAIN); no exception, so the run loop allocates nothing
     */
    public int run() {
        if (closed) {
            throw new IllegalStateException("vCPU is closed");
        }
        return LibC.ioctl(rawFd, KvmIoctl.KVM_RUN.request(), 0) < 0 ? LibC.errno() : 0;
    }

    /** KVM_INTERRUPT: queues an external interrupt (userspace irqchip only); valid when the run page says ready. */
    public void interrupt(int vector) {
        scratch.putInt(0, vector & 0xFF);
        ioctlChecked(KvmIoctl.KVM_INTERRUPT, scratchAddress);
    }

    /** KVM_NMI: queues an NMI, delivered when NMIs are not blocked. */
    public void nmi() {
        ioctlChecked(KvmIoctl.KVM_NMI, 0);
    }

    public KvmRegs regs() {
        ByteBuffer b = NativeStruct.allocate(KvmRegs.SIZE);
        ioctlChecked(KvmIoctl.KVM_GET_REGS, NativeStruct.address(b));
        return KvmRegs.read(b);
    }

    public void setRegs(KvmRegs regs) {
        ByteBuffer b = NativeStruct.allocate(KvmRegs.SIZE);
        regs.write(b);
        ioctlChecked(KvmIoctl.KVM_SET_REGS, NativeStruct.address(b));
    }

    public KvmSregs sregs() {
        ByteBuffer b = NativeStruct.allocate(KvmSregs.SIZE);
        ioctlChecked(KvmIoctl.KVM_GET_SREGS, NativeStruct.address(b));
        return KvmSregs.read(b);
    }

    public void setSregs(KvmSregs sregs) {
        ByteBuffer b = NativeStruct.allocate(KvmSregs.SIZE);
        sregs.write(b);
        ioctlChecked(KvmIoctl.KVM_SET_SREGS, NativeStruct.address(b));
    }

    public KvmFpu fpu() {
        ByteBuffer b = NativeStruct.allocate(KvmFpu.SIZE);
        ioctlChecked(KvmIoctl.KVM_GET_FPU, NativeStruct.address(b));
        return KvmFpu.read(b);
    }

    public void setFpu(KvmFpu fpu) {
        ByteBuffer b = NativeStruct.allocate(KvmFpu.SIZE);
        fpu.write(b);
        ioctlChecked(KvmIoctl.KVM_SET_FPU, NativeStruct.address(b));
    }

    public KvmXsave xsave() {
        ByteBuffer b = NativeStruct.allocate(KvmXsave.SIZE);
        ioctlChecked(KvmIoctl.KVM_GET_XSAVE, NativeStruct.address(b));
        return KvmXsave.read(b);
    }

    public void setXsave(KvmXsave xsave) {
        ByteBuffer b = NativeStruct.allocate(KvmXsave.SIZE);
        xsave.write(b);
        ioctlChecked(KvmIoctl.KVM_SET_XSAVE, NativeStruct.address(b));
    }

    public KvmVcpuEvents events() {
        ByteBuffer b = NativeStruct.allocate(KvmVcpuEvents.SIZE);
        ioctlChecked(KvmIoctl.KVM_GET_VCPU_EVENTS, NativeStruct.address(b));
        return KvmVcpuEvents.read(b);
    }

    public void setEvents(KvmVcpuEvents events) {
        ByteBuffer b = NativeStruct.allocate(KvmVcpuEvents.SIZE);
        events.write(b);
        ioctlChecked(KvmIoctl.KVM_SET_VCPU_EVENTS, NativeStruct.address(b));
    }

    public KvmDebugRegs debugRegs() {
        ByteBuffer b = NativeStruct.allocate(KvmDebugRegs.SIZE);
        ioctlChecked(KvmIoctl.KVM_GET_DEBUGREGS, NativeStruct.address(b));
        return KvmDebugRegs.read(b);
    }

    public void setDebugRegs(KvmDebugRegs regs) {
        ByteBuffer b = NativeStruct.allocate(KvmDebugRegs.SIZE);
        regs.write(b);
        ioctlChecked(KvmIoctl.KVM_SET_DEBUGREGS, NativeStruct.address(b));
    }

    public int mpState() {
        ByteBuffer b = NativeStruct.allocate(4);
        ioctlChecked(KvmIoctl.KVM_GET_MP_STATE, NativeStruct.address(b));
        return b.getInt(0);
    }

    public void setMpState(int state) {
        ByteBuffer b = NativeStruct.allocate(4);
        b.putInt(0, state);
        ioctlChecked(KvmIoctl.KVM_SET_MP_STATE, NativeStruct.address(b));
    }

    /**
     * KVM_GET_MSRS for the given indices.
     *
     * @throws KvmException naming the first MSR KVM could not read
     */
    public long[] msrs(int[] indices) {
        ByteBuffer b = msrBuffer(indices, null);
        int read = ioctlChecked(KvmIoctl.KVM_GET_MSRS, NativeStruct.address(b));
        if (read != indices.length) {
            throw new KvmException(KvmIoctl.KVM_GET_MSRS, Errno.EINVAL,
                    "MSR 0x" + Integer.toHexString(indices[read]) + " not readable");
        }
        long[] values = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            values[i] = b.getLong(8 + i * MSR_ENTRY_SIZE + 8);
        }
        return values;
    }

    /**
     * KVM_SET_MSRS.
     *
     * @throws KvmException naming the first MSR KVM refused
     */
    public void setMsrs(int[] indices, long[] values) {
        if (values.length != indices.length) {
            throw new IllegalArgumentException("one value per MSR index");
        }
        ByteBuffer b = msrBuffer(indices, values);
        int written = ioctlChecked(KvmIoctl.KVM_SET_MSRS, NativeStruct.address(b));
        if (written != indices.length) {
            throw new KvmException(KvmIoctl.KVM_SET_MSRS, Errno.EINVAL,
                    "MSR 0x" + Integer.toHexString(indices[written]) + " = 0x"
                            + Long.toHexString(values[written]) + " refused");
        }
    }

    private static ByteBuffer msrBuffer(int[] indices, long[] values) {
        ByteBuffer b = NativeStruct.allocate(8 + indices.length * MSR_ENTRY_SIZE);
        b.putInt(0, indices.length);
        for (int i = 0; i < indices.length; i++) {
            b.putInt(8 + i * MSR_ENTRY_SIZE, indices[i]);
            b.putLong(8 + i * MSR_ENTRY_SIZE + 8, values == null ? 0 : values[i]);
        }
        return b;
    }

    /** KVM_SET_CPUID2: what CPUID returns to the guest (KVM also derives some of its own checks from it). */
    public void setCpuid(List<KvmCpuidEntry> entries) {
        ByteBuffer b = NativeStruct.allocate(8 + entries.size() * KvmCpuidEntry.SIZE);
        b.putInt(0, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).write(b, 8 + i * KvmCpuidEntry.SIZE);
        }
        ioctlChecked(KvmIoctl.KVM_SET_CPUID2, NativeStruct.address(b));
    }

    /** KVM_GET_CPUID2: the table last set (up to {@code capacity} entries). */
    public List<KvmCpuidEntry> cpuid(int capacity) {
        ByteBuffer b = NativeStruct.allocate(8 + capacity * KvmCpuidEntry.SIZE);
        b.putInt(0, capacity);
        ioctlChecked(KvmIoctl.KVM_GET_CPUID2, NativeStruct.address(b));
        int n = Math.min(b.getInt(0), capacity);
        List<KvmCpuidEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(KvmCpuidEntry.read(b, 8 + i * KvmCpuidEntry.SIZE));
        }
        return entries;
    }

    private int ioctlChecked(KvmIoctl ioctl, long arg) {
        if (closed) {
            throw new IllegalStateException("vCPU is closed");
        }
        int rc = LibC.ioctl(rawFd, ioctl.request(), arg);
        if (rc < 0) {
            throw new KvmException(ioctl, LibC.errno());
        }
        return rc;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.munmap(runAddress, runSize);
            fd.close();
        }
    }
}
