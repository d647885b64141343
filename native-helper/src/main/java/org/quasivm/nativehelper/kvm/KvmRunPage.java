package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;

/**
 * The vCPU's shared {@code struct kvm_run} page (mmap of the vCPU fd), read and written with absolute
 * {@link ByteBuffer} accesses: no JNA call and no allocation per exit. Offsets are those of linux/kvm.h on x86-64.
 *
 * <p>Only the vCPU thread uses it, except {@link #setImmediateExit(boolean)}, which another thread may call to make
 * the next (or a starting) KVM_RUN return at once.
 */
public final class KvmRunPage {

    public static final int EXIT_UNKNOWN = 0;
    public static final int EXIT_EXCEPTION = 1;
    public static final int EXIT_IO = 2;
    public static final int EXIT_HYPERCALL = 3;
    public static final int EXIT_DEBUG = 4;
    public static final int EXIT_HLT = 5;
    public static final int EXIT_MMIO = 6;
    public static final int EXIT_IRQ_WINDOW_OPEN = 7;
    public static final int EXIT_SHUTDOWN = 8;
    public static final int EXIT_FAIL_ENTRY = 9;
    public static final int EXIT_INTR = 10;
    public static final int EXIT_NMI = 16;
    public static final int EXIT_INTERNAL_ERROR = 17;
    public static final int EXIT_SYSTEM_EVENT = 24;

    public static final int IO_IN = 0;
    public static final int IO_OUT = 1;

    public static final int INTERNAL_ERROR_EMULATION = 1;
    public static final int INTERNAL_ERROR_SIMUL_EX = 2;
    public static final int INTERNAL_ERROR_DELIVERY_EV = 3;
    public static final int INTERNAL_ERROR_UNEXPECTED_EXIT_REASON = 4;

    private static final int REQUEST_INTERRUPT_WINDOW = 0;
    private static final int IMMEDIATE_EXIT = 1;
    private static final int EXIT_REASON = 8;
    private static final int READY_FOR_INTERRUPT_INJECTION = 12;
    private static final int IF_FLAG = 13;
    private static final int UNION = 32;

    private final ByteBuffer page;

    KvmRunPage(ByteBuffer page) {
        this.page = page;
    }

    /** The whole mapping, for I/O data at {@link #ioDataOffset()}. */
    public ByteBuffer bytes() {
        return page;
    }

    public int size() {
        return page.capacity();
    }

    public int exitReason() {
        return page.getInt(EXIT_REASON);
    }

    public void setRequestInterruptWindow(boolean request) {
        page.put(REQUEST_INTERRUPT_WINDOW, (byte) (request ? 1 : 0));
    }

    public void setImmediateExit(boolean immediate) {
        page.put(IMMEDIATE_EXIT, (byte) (immediate ? 1 : 0));
    }

    public boolean readyForInterruptInjection() {
        return page.get(READY_FOR_INTERRUPT_INJECTION) != 0;
    }

    /** RFLAGS.IF as of the last exit. */
    public boolean interruptFlag() {
        return page.get(IF_FLAG) != 0;
    }

    // KVM_EXIT_IO: __u8 direction, size; __u16 port; __u32 count; __u64 data_offset
    public int ioDirection() {
        return page.get(UNION) & 0xFF;
    }

    public int ioSize() {
        return page.get(UNION + 1) & 0xFF;
    }

    public int ioPort() {
        return page.getShort(UNION + 2) & 0xFFFF;
    }

    public int ioCount() {
        return page.getInt(UNION + 4);
    }

    public long ioDataOffset() {
        return page.getLong(UNION + 8);
    }

    // KVM_EXIT_MMIO: __u64 phys_addr; __u8 data[8]; __u32 len; __u8 is_write
    public long mmioAddress() {
        return page.getLong(UNION);
    }

    /** The 8-byte data field: bytes beyond {@link #mmioLength()} are zero on writes and ignored on reads. */
    public long mmioData() {
        return page.getLong(UNION + 8);
    }

    public void setMmioData(long value) {
        page.putLong(UNION + 8, value);
    }

    public int mmioLength() {
        return page.getInt(UNION + 16);
    }

    public boolean mmioIsWrite() {
        return page.get(UNION + 20) != 0;
    }

    // KVM_EXIT_FAIL_ENTRY: __u64 hardware_entry_failure_reason
    public long hardwareEntryFailureReason() {
        return page.getLong(UNION);
    }

    // KVM_EXIT_UNKNOWN: __u64 hardware_exit_reason
    public long hardwareExitReason() {
        return page.getLong(UNION);
    }

    // KVM_EXIT_EXCEPTION: __u32 exception, error_code
    public int exceptionNumber() {
        return page.getInt(UNION);
    }

    public int exceptionErrorCode() {
        return page.getInt(UNION + 4);
    }

    // KVM_EXIT_INTERNAL_ERROR: __u32 suberror, ndata; __u64 data[16]
    public int internalErrorSuberror() {
        return page.getInt(UNION);
    }

    public int internalErrorDataCount() {
        return Math.min(16, Math.max(0, page.getInt(UNION + 4)));
    }

    public long internalErrorData(int i) {
        return page.getLong(UNION + 8 + 8 * i);
    }

    // KVM_EXIT_SYSTEM_EVENT: __u32 type
    public int systemEventType() {
        return page.getInt(UNION);
    }
}
