package org.quasivm.exec.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.quasivm.nativehelper.libc.AnonymousMapping;
import org.quasivm.nativehelper.libc.ErrnoException;

/**
 * Allocates host memory for guest RAM and ROM: direct, little-endian and page aligned, so the same bytes can also be
 * handed to KVM as a memory slot (KVM requires page-aligned host addresses).
 *
 * <p>On Linux the memory is an anonymous mapping (native-helper): pages cost nothing until the guest touches them,
 * and guest RAM does not count against the JVM's direct-memory limit (by default the heap size). The mapping is
 * released when the buffer and all its slices are unreachable. Elsewhere, or without native access, it falls back
 * to {@link ByteBuffer#allocateDirect}.
 */
public final class GuestMemory {

    /** Largest single buffer: ByteBuffer indices are ints. Larger guests use several regions. */
    public static final long MAX_BUFFER = (1L << 31) - MemoryRegion.PAGE_SIZE;

    private static final boolean NATIVE_MAPPING = nativeMappingAvailable();

    private GuestMemory() {
    }

    /** A zero-filled, page-aligned direct buffer of {@code size} bytes (a positive multiple of 4 KiB). */
    public static ByteBuffer allocate(long size) {
        if (size <= 0 || size % MemoryRegion.PAGE_SIZE != 0 || size > MAX_BUFFER) {
            throw new IllegalArgumentException("guest memory size " + size
                    + " must be a positive multiple of 4 KiB and at most " + MAX_BUFFER);
        }
        ByteBuffer mapped = mapAnonymous(size);
        if (mapped != null) {
            return mapped;
        }
        // allocateDirect zero-fills; alignedSlice gives a page-aligned view of an over-allocated buffer.
        ByteBuffer raw = ByteBuffer.allocateDirect((int) size + MemoryRegion.PAGE_SIZE);
        ByteBuffer aligned = raw.alignedSlice(MemoryRegion.PAGE_SIZE);
        aligned.limit((int) size);
        return aligned.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer mapAnonymous(long size) {
        if (!NATIVE_MAPPING) {
            return null;
        }
        try {
            return AnonymousMapping.allocateCollected(size).order(ByteOrder.LITTLE_ENDIAN);
        } catch (ErrnoException e) {
            throw new OutOfMemoryError("cannot map " + size + " bytes of guest memory: " + e.getMessage());
        }
    }

    private static boolean nativeMappingAvailable() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return false;
        }
        try {
            AnonymousMapping.allocate(MemoryRegion.PAGE_SIZE).close();
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
