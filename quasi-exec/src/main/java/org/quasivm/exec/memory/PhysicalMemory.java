package org.quasivm.exec.memory;

import java.util.List;

/**
 * Guest-physical address space as the machine lays it out. Executors access {@link #regions()} directly (the fast
 * path, and KVM memory slots); every other access — MMIO, unmapped addresses, writes to read-only regions — goes
 * through {@link #read}/{@link #write}, which the machine routes to its devices.
 */
public interface PhysicalMemory {

    /**
     * Host-backed regions, sorted by start and not overlapping. The list changes only when the machine remaps memory,
     * and then the machine calls {@code Executor.memoryMapChanged()}.
     */
    List<MemoryRegion> regions();

    /** Slow-path read of {@code size} (1, 2, 4 or 8) bytes; unmapped addresses read as all ones. */
    long read(long address, int size);

    /** Slow-path write of the low {@code size} (1, 2, 4 or 8) bytes of {@code value}; unmapped writes are dropped. */
    void write(long address, int size, long value);
}
