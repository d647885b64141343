package org.quasivm.vmm.bus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Memory-mapped device windows in the guest-physical address space. Lookup is a binary search over a sorted
 * array of windows (there are few), with the last hit remembered because guests tend to hammer one device.
 * Windows are at most 2 GiB each (offsets are ints). Accesses of 8 bytes become two 4-byte accesses.
 *
 * <p>Called on the VM thread only.
 */
public final class MmioBus {

    private static final long[] NO_LONGS = new long[0];

    private final List<BusMapping> mappings = new ArrayList<>();
    private long[] starts = NO_LONGS;
    private long[] ends = NO_LONGS;
    private BusDevice[] devices = new BusDevice[0];
    private boolean[] byteWide = new boolean[0];
    private int lastHit;
    private final UnmappedAccesses unmapped = new UnmappedAccesses();

    public void map(String name, long base, long length, BusDevice device, AccessWidth width) {
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": MMIO window larger than 2 GiB");
        }
        BusMapping mapping = new BusMapping(name, base, length, device, width);
        for (BusMapping existing : mappings) {
            if (existing.overlaps(base, length)) {
                throw new IllegalStateException("MMIO window " + mapping + " overlaps " + existing);
            }
        }
        mappings.add(mapping);
        rebuild();
    }

    /** Maps like {@link #map} but answers false instead of throwing on an overlap or a bad window. */
    public boolean tryMap(String name, long base, long length, BusDevice device, AccessWidth width) {
        if (length <= 0 || length > Integer.MAX_VALUE || base < 0 || overlapsAny(base, length)) {
            return false;
        }
        mappings.add(new BusMapping(name, base, length, device, width));
        rebuild();
        return true;
    }

    public boolean unmap(long base, BusDevice device) {
        boolean removed = mappings.removeIf(m -> m.base() == base && m.device() == device);
        if (removed) {
            rebuild();
        }
        return removed;
    }

    /** Whether a window covers any byte of [base, base + length). */
    public boolean overlapsAny(long base, long length) {
        for (BusMapping m : mappings) {
            if (m.overlaps(base, length)) {
                return true;
            }
        }
        return false;
    }

    public List<BusMapping> mappings() {
        return List.copyOf(mappings);
    }

    public UnmappedAccesses unmapped() {
        return unmapped;
    }

    private void rebuild() {
        mappings.sort((a, b) -> Long.compare(a.base(), b.base()));
        int n = mappings.size();
        starts = new long[n];
        ends = new long[n];
        devices = new BusDevice[n];
        byteWide = new boolean[n];
        for (int i = 0; i < n; i++) {
            BusMapping m = mappings.get(i);
            starts[i] = m.base();
            ends[i] = m.end();
            devices[i] = m.device();
            byteWide[i] = m.width() == AccessWidth.BYTE;
        }
        lastHit = 0;
    }

    /** Index of the window containing {@code address}, or -1. */
    private int find(long address) {
        int hit = lastHit;
        if (hit < starts.length && address >= starts[hit] && address < ends[hit]) {
            return hit;
        }
        int i = Arrays.binarySearch(starts, address);
        if (i < 0) {
            i = -i - 2; // the window starting before address
        }
        if (i >= 0 && address < ends[i]) {
            lastHit = i;
            return i;
        }
        return -1;
    }

    /** Whether a device answers at {@code address}. */
    public boolean isMapped(long address) {
        return find(address) >= 0;
    }

    /** Reads {@code size} (1, 2, 4 or 8) bytes; unmapped bytes read as ones. */
    public long read(long address, int size) {
        if (size == 8) {
            return (read(address, 4) & 0xFFFF_FFFFL) | (read(address + 4, 4) << 32);
        }
        int i = find(address);
        if (i < 0) {
            if (size == 1) {
                unmapped.countRead(address);
                return 0xFF;
            }
            return splitRead(address, size);
        }
        int offset = (int) (address - starts[i]);
        if (size == 1) {
            return devices[i].read(offset, 1) & 0xFF;
        }
        if (byteWide[i] || address + size > ends[i] || (size != 2 && size != 4)) {
            return splitRead(address, size);
        }
        int value = devices[i].read(offset, size);
        return size == 2 ? value & 0xFFFF : value & 0xFFFF_FFFFL;
    }

    /** Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code value}; unmapped bytes are dropped. */
    public void write(long address, int size, long value) {
        if (size == 8) {
            write(address, 4, value);
            write(address + 4, 4, value >>> 32);
            return;
        }
        int i = find(address);
        if (i < 0) {
            if (size == 1) {
                unmapped.countWrite(address);
                return;
            }
            splitWrite(address, size, value);
            return;
        }
        int offset = (int) (address - starts[i]);
        if (size == 1) {
            devices[i].write(offset, 1, (int) value & 0xFF);
            return;
        }
        if (byteWide[i] || address + size > ends[i] || (size != 2 && size != 4)) {
            splitWrite(address, size, value);
            return;
        }
        devices[i].write(offset, size, size == 2 ? (int) value & 0xFFFF : (int) value);
    }

    private long splitRead(long address, int size) {
        int n = size == 2 ? 2 : 4;
        long value = 0;
        for (int b = 0; b < n; b++) {
            value |= read(address + b, 1) << (8 * b);
        }
        return value;
    }

    private void splitWrite(long address, int size, long value) {
        int n = size == 2 ? 2 : 4;
        for (int b = 0; b < n; b++) {
            write(address + b, 1, value >>> (8 * b));
        }
    }
}
