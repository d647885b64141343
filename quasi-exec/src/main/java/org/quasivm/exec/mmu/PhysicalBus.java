package org.quasivm.exec.mmu;

import java.nio.ByteBuffer;
import java.util.List;

import org.quasivm.exec.decode.CodeCache;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * The CPU's view of guest-physical memory: host-backed regions accessed directly, everything else through the
 * machine's {@link PhysicalMemory} slow path, the A20 gate, and write notification of the code cache.
 *
 * <p>Callers pass accesses that lie within one 4 KiB page (regions are page aligned, so an access never straddles a
 * region boundary either).
 */
public final class PhysicalBus {
    /** Told when an access went to a device (MMIO): device state, and so pending interrupts, may have changed. */
    public interface DeviceAccessListener {
        void deviceAccessed();
    }

    private final PhysicalMemory memory;
    private final CodeCache code;
    private final DeviceAccessListener deviceListener;
    private long[] starts = new long[0];
    private long[] ends = new long[0];
    private ByteBuffer[] buffers = new ByteBuffer[0];
    private boolean[] readOnly = new boolean[0];
    private long a20Mask = -1L;

    public PhysicalBus(PhysicalMemory memory, CodeCache code, DeviceAccessListener deviceListener) {
        this.memory = memory;
        this.code = code;
        this.deviceListener = deviceListener;
        remap();
    }

    /** Re-reads the machine's region list (after {@code Executor.memoryMapChanged}). */
    public void remap() {
        List<MemoryRegion> list = memory.regions();
        int n = list.size();
        long[] s = new long[n];
        long[] e = new long[n];
        ByteBuffer[] b = new ByteBuffer[n];
        boolean[] ro = new boolean[n];
        long previousEnd = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            MemoryRegion r = list.get(i);
            if (r.start() < previousEnd) {
                throw new IllegalStateException("memory regions overlap or are unsorted at " + r.name());
            }
            s[i] = r.start();
            e[i] = r.end();
            b[i] = r.bytes();
            ro[i] = r.readOnly();
            previousEnd = r.end();
        }
        starts = s;
        ends = e;
        buffers = b;
        readOnly = ro;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public void setA20(boolean enabled) {
        a20Mask = enabled ? -1L : ~(1L << 20);
    }

    public boolean a20() {
        return a20Mask == -1L;
    }

    /** Applies the A20 gate to a physical address. */
    public long mask(long pa) {
        return pa & a20Mask;
    }

    /** Index of the region holding {@code pa}, or -1 when it is MMIO/unmapped. */
    public int regionOf(long pa) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (pa < starts[mid]) {
                hi = mid - 1;
            } else if (pa >= ends[mid]) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    public ByteBuffer buffer(int region) {
        return buffers[region];
    }

    public long start(int region) {
        return starts[region];
    }

    public boolean readOnly(int region) {
        return readOnly[region];
    }

    public long read(long pa, int size) {
        int r = regionOf(pa);
        if (r < 0) {
            deviceListener.deviceAccessed();
            return memory.read(pa, size);
        }
        ByteBuffer b = buffers[r];
        int off = (int) (pa - starts[r]);
        return switch (size) {
            case 1 -> b.get(off) & 0xFFL;
            case 2 -> b.getShort(off) & 0xFFFFL;
            case 4 -> b.getInt(off) & 0xFFFFFFFFL;
            default -> b.getLong(off);
        };
    }

    public void write(long pa, int size, long value) {
        int r = regionOf(pa);
        if (r < 0 || readOnly[r]) {
            deviceListener.deviceAccessed();
            memory.write(pa, size, value);
            return;
        }
        code.written(pa, size);
        ByteBuffer b = buffers[r];
        int off = (int) (pa - starts[r]);
        switch (size) {
            case 1 -> b.put(off, (byte) value);
            case 2 -> b.putShort(off, (short) value);
            case 4 -> b.putInt(off, (int) value);
            default -> b.putLong(off, value);
        }
    }
}
