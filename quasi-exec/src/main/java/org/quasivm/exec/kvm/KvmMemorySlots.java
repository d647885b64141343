package org.quasivm.exec.kvm;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.nativehelper.kvm.KvmVm;
import org.quasivm.nativehelper.libc.HostAddress;

/**
 * Keeps KVM's memory slots equal to the machine's host-backed regions: RAM as ordinary slots, read-only regions
 * (ROM, write-protected shadow RAM) as KVM_MEM_READONLY slots whose writes exit as MMIO, everything else a hole
 * that exits as MMIO. With the A20 gate off, the first MiB is also mapped at 1 MiB, which is what real-mode code
 * can reach past FFFF:000F; higher odd megabytes are not masked (that needs paging, which 8086 code lacks).
 */
final class KvmMemorySlots {

    static final long ONE_MIB = 0x10_0000L;

    /** One slot's worth: guest range, backing host memory, and whether guest writes exit. */
    record Mapping(long guestAddress, long size, long hostAddress, boolean readOnly) {
    }

    private final KvmVm vm;
    private final int maxSlots;
    private final Map<Mapping, Integer> active = new HashMap<>();
    /**
     * The buffers behind the active slots. KVM knows only their addresses: were a buffer collected while mapped,
     * the guest would write into freed memory.
     */
    private final Map<Mapping, ByteBuffer> backing = new HashMap<>();
    private final BitSet usedSlots = new BitSet();

    KvmMemorySlots(KvmVm vm, int maxSlots) {
        this.vm = vm;
        this.maxSlots = maxSlots;
    }

    /** Brings KVM's slots in line with {@code memory.regions()}: removes stale slots first (slots may not overlap). */
    void sync(PhysicalMemory memory, boolean a20) {
        List<MemoryRegion> regions = memory.regions();
        List<Mapping> wanted = layout(regions, a20);
        List<Mapping> stale = new ArrayList<>();
        for (Mapping m : active.keySet()) {
            if (!wanted.contains(m)) {
                stale.add(m);
            }
        }
        for (Mapping m : stale) {
            int slot = active.remove(m);
            vm.setUserMemoryRegion(slot, 0, m.guestAddress(), 0, m.hostAddress());
            usedSlots.clear(slot);
            backing.remove(m);
        }
        for (Mapping m : wanted) {
            if (!active.containsKey(m)) {
                int slot = usedSlots.nextClearBit(0);
                if (slot >= maxSlots) {
                    throw new IllegalStateException("KVM allows " + maxSlots + " memory slots; the machine needs more");
                }
                vm.setUserMemoryRegion(slot, m.readOnly() ? KvmVm.MEM_READONLY : 0, m.guestAddress(), m.size(),
                        m.hostAddress());
                usedSlots.set(slot);
                active.put(m, slot);
                backing.put(m, bufferFor(m, regions));
            }
        }
    }

    private static ByteBuffer bufferFor(Mapping m, List<MemoryRegion> regions) {
        for (MemoryRegion r : regions) {
            long host = HostAddress.of(r.bytes());
            if (m.hostAddress() >= host && m.hostAddress() < host + r.size()) {
                return r.bytes();
            }
        }
        throw new IllegalStateException("no region backs the slot at 0x" + Long.toHexString(m.guestAddress()));
    }

    int slotCount() {
        return active.size();
    }

    /** The slots for a region list; with A20 off, [1 MiB, 2 MiB) mirrors [0, 1 MiB). */
    static List<Mapping> layout(List<MemoryRegion> regions, boolean a20) {
        List<Mapping> mappings = new ArrayList<>();
        for (MemoryRegion r : regions) {
            mappings.add(new Mapping(r.start(), r.size(), HostAddress.of(r.bytes()), r.readOnly()));
        }
        if (a20) {
            return mappings;
        }
        List<Mapping> masked = new ArrayList<>();
        for (Mapping m : mappings) {
            clip(m, 0, ONE_MIB, masked);
            clip(m, 2 * ONE_MIB, Long.MAX_VALUE, masked);
        }
        for (Mapping m : mappings) {
            long start = Math.max(m.guestAddress(), 0);
            long end = Math.min(m.guestAddress() + m.size(), ONE_MIB);
            if (start < end) {
                masked.add(new Mapping(start + ONE_MIB, end - start, m.hostAddress() + (start - m.guestAddress()),
                        m.readOnly()));
            }
        }
        return masked;
    }

    private static void clip(Mapping m, long from, long to, List<Mapping> out) {
        long start = Math.max(m.guestAddress(), from);
        long end = Math.min(m.guestAddress() + m.size(), to);
        if (start < end) {
            out.add(new Mapping(start, end - start, m.hostAddress() + (start - m.guestAddress()), m.readOnly()));
        }
    }
}
