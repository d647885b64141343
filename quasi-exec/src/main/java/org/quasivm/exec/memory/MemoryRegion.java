package org.quasivm.exec.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A range of guest-physical addresses backed by host memory that executors may access directly: RAM, ROM,
 * a framebuffer. Byte 0 of {@code bytes} is guest-physical {@code start}.
 *
 * @param name     for logs and errors ("ram-low", "bios")
 * @param start    guest-physical address, 4 KiB aligned
 * @param bytes    a direct, little-endian buffer whose capacity is the region's size (a multiple of 4 KiB)
 * @param readOnly writes by the guest do not reach {@code bytes}; they go to {@link PhysicalMemory#write}
 */
public record MemoryRegion(String name, long start, ByteBuffer bytes, boolean readOnly) {

    public static final int PAGE_SIZE = 4096;

    public MemoryRegion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bytes, "bytes");
        if (!bytes.isDirect()) {
            throw new IllegalArgumentException(name + ": region memory must be a direct buffer");
        }
        if (bytes.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException(name + ": region memory must be little-endian");
        }
        if ((start & (PAGE_SIZE - 1)) != 0 || start < 0) {
            throw new IllegalArgumentException(name + ": start " + Long.toHexString(start) + " is not page aligned");
        }
        if (bytes.capacity() == 0 || bytes.capacity() % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(name + ": size " + bytes.capacity() + " is not a multiple of 4 KiB");
        }
    }

    public long size() {
        return bytes.capacity();
    }

    public long end() {
        return start + bytes.capacity();
    }

    public boolean contains(long address) {
        return address >= start && address < end();
    }
}
