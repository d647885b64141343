package org.quasivm.exec.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Allocates host memory for guest RAM and ROM: direct, little-endian and page aligned, so the same bytes can also be
 * handed to KVM as a memory slot (KVM requires page-aligned host addresses).
 */
public final class GuestMemory {

    /** Largest single buffer: ByteBuffer indices are ints. Larger guests use several regions. */
    public static final long MAX_BUFFER = (1L << 31) - MemoryRegion.PAGE_SIZE;

    private GuestMemory() {
    }

    /** A zero-filled, page-aligned direct buffer of {@code size} bytes (a positive multiple of 4 KiB). */
    public static ByteBuffer allocate(long size) {
        if (size <= 0 || size % MemoryRegion.PAGE_SIZE != 0 || size > MAX_BUFFER) {
            throw new IllegalArgumentException("guest memory size " + size
                    + " must be a positive multiple of 4 KiB and at most " + MAX_BUFFER);
        }
        // allocateDirect zero-fills; alignedSlice gives a page-aligned view of an over-allocated buffer.
        ByteBuffer raw = ByteBuffer.allocateDirect((int) size + MemoryRegion.PAGE_SIZE);
        ByteBuffer aligned = raw.alignedSlice(MemoryRegion.PAGE_SIZE);
        aligned.limit((int) size);
        return aligned.slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
