package org.quasivm.vmm.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.quasivm.exec.memory.GuestMemory;

/**
 * Guest RAM as direct buffers of at most 1 GiB each, so that any page-aligned range that does not cross a 1 GiB
 * boundary is one slice of one buffer. Addresses here are RAM offsets, not guest-physical addresses.
 */
final class RamBank {

    static final long CHUNK = 1L << 30;

    private final ByteBuffer[] chunks;
    private final long size;

    RamBank(long size) {
        this.size = size;
        int n = (int) ((size + CHUNK - 1) / CHUNK);
        chunks = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            chunks[i] = GuestMemory.allocate(Math.min(CHUNK, size - i * CHUNK));
        }
    }

    long size() {
        return size;
    }

    /** A little-endian view of [offset, offset + length), which must lie within one chunk. */
    ByteBuffer slice(long offset, long length) {
        int chunk = (int) (offset / CHUNK);
        long inChunk = offset - chunk * CHUNK;
        if (length <= 0 || inChunk + length > chunks[chunk].capacity()) {
            throw new IllegalArgumentException("RAM slice crosses a chunk: " + offset + "+" + length);
        }
        return chunks[chunk].slice((int) inChunk, (int) length).order(ByteOrder.LITTLE_ENDIAN);
    }

    void zero() {
        byte[] zeros = new byte[64 * 1024];
        for (ByteBuffer c : chunks) {
            for (int p = 0; p < c.capacity(); p += zeros.length) {
                c.put(p, zeros, 0, Math.min(zeros.length, c.capacity() - p));
            }
        }
    }
}
