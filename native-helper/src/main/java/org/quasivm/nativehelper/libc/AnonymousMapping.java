package org.quasivm.nativehelper.libc;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Pointer;

/**
 * Private anonymous memory from mmap(2): page aligned, zero filled lazily by the kernel (untouched pages cost
 * nothing), and outside the Java heap and the direct-memory limit. Suitable as guest RAM that KVM maps as a slot.
 *
 * <p>The {@link ByteBuffer} view does not own the memory: after {@link #close()} it must not be used (the owner of
 * the mapping decides when no executor or device can touch it any more).
 */
public final class AnonymousMapping implements AutoCloseable {

    /** Largest mapping offered as one ByteBuffer (indices are ints). */
    public static final long MAX_SIZE = (1L << 31) - 4096;

    private static final Cleaner UNMAPPER = Cleaner.create();

    private final long address;
    private final long size;
    private final ByteBuffer bytes;
    private boolean closed;

    private AnonymousMapping(long address, long size) {
        this.address = address;
        this.size = size;
        this.bytes = new Pointer(address).getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Maps {@code size} bytes (a positive multiple of 4 KiB, at most {@link #MAX_SIZE}) read/write. */
    public static AnonymousMapping allocate(long size) {
        if (size <= 0 || size % 4096 != 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("mapping size " + size
                    + " must be a positive multiple of 4 KiB and at most " + MAX_SIZE);
        }
        // No MAP_NORESERVE: the kernel's overcommit check should refuse a guest larger than the host can back.
        long address = LibC.mmap(0, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS,
                -1, 0);
        if (address == LibC.MAP_FAILED) {
            throw new ErrnoException("mmap of " + size + " bytes", LibC.errno());
        }
        return new AnonymousMapping(address, size);
    }

    /**
     * A mapping owned by the garbage collector: unmapped once the returned buffer and every slice or duplicate of it
     * are unreachable (slices of a direct buffer keep their parent alive). Whoever hands its address to the kernel
     * (a KVM memory slot) must keep the buffer reachable for as long as the kernel may use it.
     */
    public static ByteBuffer allocateCollected(long size) {
        AnonymousMapping m = allocate(size);
        UNMAPPER.register(m.bytes, new Unmap(m.address, m.size));
        return m.bytes;
    }

    private record Unmap(long address, long size) implements Runnable {
        @Override
        public void run() {
            LibC.munmap(address, size);
        }
    }

    /** Host virtual address of byte 0 (page aligned). */
    public long address() {
        return address;
    }

    public long size() {
        return size;
    }

    /** A little-endian view of the whole mapping; valid until {@link #close()}. */
    public ByteBuffer bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (LibC.munmap(address, size) != 0) {
                throw new ErrnoException("munmap", LibC.errno());
            }
        }
    }
}
