package org.quasivm.vmm.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.vmm.bus.MmioBus;

/**
 * The guest-physical address space of an i440FX PC:
 * <pre>
 *   0             - A0000        conventional RAM
 *   A0000         - C0000        legacy VGA window (MMIO bus: the VGA device)
 *   C0000         - 100000       shadow segments, each RAM or ROM by its PAM setting; the ROM side is the
 *                                option ROM area (C0000-DFFFF) and the BIOS's last 128 KiB (E0000-FFFFF)
 *   100000        - lowRamEnd    RAM (at most 3.5 GiB below 4 GiB)
 *   lowRamEnd     - 4G - bios    PCI hole (MMIO bus: BARs)
 *   4G - bios     - 4G           the firmware ROM
 *   4G            - ...          RAM above 4 GiB
 * </pre>
 * Host-backed ranges are {@link MemoryRegion}s the executor accesses directly; everything else comes through
 * {@link #read}/{@link #write} and is routed to the {@link MmioBus}. When the region list changes (PAM, a PCI
 * BAR moving a framebuffer or ROM) the {@code mapChanged} callback runs — the board points it at
 * {@code Executor.memoryMapChanged()}.
 */
public final class PcMemoryMap implements PhysicalMemory {

    public static final long VGA_WINDOW_START = 0xA_0000L;
    public static final long SHADOW_START = 0xC_0000L;
    public static final long BIOS_ALIAS_START = 0xE_0000L;
    public static final long ONE_MIB = 0x10_0000L;
    public static final long FOUR_GIB = 1L << 32;
    /** RAM above this stays below 4 GiB no further: the rest moves above 4 GiB, leaving room for the PCI hole. */
    public static final long MAX_RAM_BELOW_4G = 0xE000_0000L;
    public static final long MIN_RAM = 2 * ONE_MIB;
    public static final long MAX_RAM = 64L << 30;
    public static final int MAX_FIRMWARE = 16 << 20;
    static final int LEGACY_ROM_SIZE = 0x4_0000;
    static final int SHADOW_SEGMENTS = 13;

    private final RamBank ram;
    private final long lowRamEnd;
    private final ByteBuffer firmware;
    private final ByteBuffer legacyRom;
    private final MmioBus mmio;
    private final PamAttribute[] pam = new PamAttribute[SHADOW_SEGMENTS];
    private final List<MemoryRegion> dynamicRegions = new ArrayList<>();
    private Runnable mapChanged = () -> { };
    private CodeWriteListener codeWritten = (address, length) -> { };

    private List<MemoryRegion> regions = List.of();
    private long[] regionStarts = new long[0];
    private long[] regionEnds = new long[0];
    private ByteBuffer[] readTargets = new ByteBuffer[0];
    private ByteBuffer[] writeTargets = new ByteBuffer[0];

    /** Tells the executor that bytes it may have decoded changed (DMA and loaders, not guest stores). */
    @FunctionalInterface
    public interface CodeWriteListener {
        void written(long address, long length);
    }

    /**
     * @param ramBytes     guest RAM, a multiple of 1 MiB within {@link #MIN_RAM}..{@link #MAX_RAM}
     * @param firmwareRom  the ROM mapped to end at 4 GiB: a multiple of 64 KiB, at most 16 MiB; its last 128 KiB
     *                     (or all of it, if smaller) also appear at the top of the first MiB
     * @param mmio         where device windows live
     */
    public PcMemoryMap(long ramBytes, byte[] firmwareRom, MmioBus mmio) {
        this(ramBytes, MAX_RAM_BELOW_4G, firmwareRom, mmio);
    }

    /**
     * @param maxRamBelow4g where RAM below 4 GiB ends at the latest (the PCI hole's start), a multiple of 1 MiB
     *                      of at least 2 MiB and at most {@link #MAX_RAM_BELOW_4G}
     */
    public PcMemoryMap(long ramBytes, long maxRamBelow4g, byte[] firmwareRom, MmioBus mmio) {
        if (maxRamBelow4g < MIN_RAM || maxRamBelow4g > MAX_RAM_BELOW_4G || maxRamBelow4g % ONE_MIB != 0) {
            throw new IllegalArgumentException("RAM below 4 GiB limit " + maxRamBelow4g
                    + " must be a multiple of 1 MiB between 2 MiB and 3.5 GiB");
        }
        if (ramBytes < MIN_RAM || ramBytes > MAX_RAM || ramBytes % ONE_MIB != 0) {
            throw new IllegalArgumentException("RAM size " + ramBytes + " must be a multiple of 1 MiB between "
                    + (MIN_RAM >> 20) + " MiB and " + (MAX_RAM >> 30) + " GiB");
        }
        Objects.requireNonNull(firmwareRom, "firmwareRom");
        if (firmwareRom.length == 0 || firmwareRom.length % 0x1_0000 != 0 || firmwareRom.length > MAX_FIRMWARE) {
            throw new IllegalArgumentException("firmware ROM size " + firmwareRom.length
                    + " must be a non-zero multiple of 64 KiB and at most 16 MiB");
        }
        this.mmio = Objects.requireNonNull(mmio, "mmio");
        this.ram = new RamBank(ramBytes);
        this.lowRamEnd = Math.min(ramBytes, maxRamBelow4g);
        this.firmware = GuestMemory.allocate(firmwareRom.length);
        firmware.put(0, firmwareRom);
        this.legacyRom = GuestMemory.allocate(LEGACY_ROM_SIZE);
        int alias = Math.min(firmwareRom.length, 0x2_0000);
        legacyRom.put(LEGACY_ROM_SIZE - alias, firmwareRom, firmwareRom.length - alias, alias);
        Arrays.fill(pam, PamAttribute.DISABLED);
        rebuild();
    }

    public void onMapChanged(Runnable listener) {
        this.mapChanged = Objects.requireNonNull(listener, "listener");
    }

    public void onCodeWritten(CodeWriteListener listener) {
        this.codeWritten = Objects.requireNonNull(listener, "listener");
    }

    public long ramSize() {
        return ram.size();
    }

    /** End of RAM below 4 GiB: the PCI hole starts here. */
    public long lowRamEnd() {
        return lowRamEnd;
    }

    /** RAM mapped at 4 GiB and above. */
    public long highRamSize() {
        return ram.size() - lowRamEnd;
    }

    public long firmwareBase() {
        return FOUR_GIB - firmware.capacity();
    }

    public MmioBus mmio() {
        return mmio;
    }

    /** Copies an option ROM image into the ROM side of C0000-DFFFF (at {@code address}). */
    public void loadOptionRom(long address, byte[] image) {
        if (address < SHADOW_START || address + image.length > BIOS_ALIAS_START) {
            throw new IllegalArgumentException("option ROM at " + Long.toHexString(address) + " (" + image.length
                    + " bytes) does not fit in C0000-DFFFF");
        }
        legacyRom.put((int) (address - SHADOW_START), image);
        codeWritten.written(address, image.length);
    }

    // ---- PAM

    /**
     * Segment index for PAM: 0..11 are the 16 KiB segments C0000..EC000, 12 is the 64 KiB F0000 segment.
     */
    public void setPam(int segment, PamAttribute attribute) {
        Objects.checkIndex(segment, SHADOW_SEGMENTS);
        if (pam[segment] != attribute) {
            pam[segment] = Objects.requireNonNull(attribute);
            rebuild();
            mapChanged.run();
        }
    }

    public PamAttribute pam(int segment) {
        return pam[Objects.checkIndex(segment, SHADOW_SEGMENTS)];
    }

    private static long segmentStart(int segment) {
        return SHADOW_START + segment * 0x4000L;
    }

    private static long segmentLength(int segment) {
        return segment == 12 ? 0x1_0000L : 0x4000L;
    }

    // ---- dynamic regions (PCI BARs backed by host memory: framebuffers, expansion ROMs)

    /**
     * Maps a host-backed region (e.g. a linear framebuffer BAR). Returns false, mapping nothing, if it would
     * overlap RAM, firmware, another region or an MMIO window: a guest may program BARs anywhere, and a
     * conflicting BAR simply does not decode, as on hardware where the first decoder wins.
     */
    public boolean mapRegion(MemoryRegion region) {
        Objects.requireNonNull(region, "region");
        for (MemoryRegion r : regions) {
            if (region.start() < r.end() && r.start() < region.end()) {
                return false;
            }
        }
        if (region.start() < ONE_MIB || mmio.overlapsAny(region.start(), region.size())) {
            return false;
        }
        dynamicRegions.add(region);
        rebuild();
        mapChanged.run();
        return true;
    }

    public boolean unmapRegion(MemoryRegion region) {
        boolean removed = dynamicRegions.remove(region);
        if (removed) {
            rebuild();
            mapChanged.run();
        }
        return removed;
    }

    /** Whether [start, start+length) is free of RAM, firmware and mapped regions (for placing MMIO windows). */
    public boolean isFreeOfRegions(long start, long length) {
        for (MemoryRegion r : regions) {
            if (start < r.end() && r.start() < start + length) {
                return false;
            }
        }
        return true;
    }

    private void rebuild() {
        List<MemoryRegion> list = new ArrayList<>();
        List<ByteBuffer> writes = new ArrayList<>();
        addRam(list, writes, "ram-low", 0, VGA_WINDOW_START);
        for (int s = 0; s < SHADOW_SEGMENTS; s++) {
            long start = segmentStart(s);
            long length = segmentLength(s);
            ByteBuffer dram = ram.slice(start, length);
            PamAttribute a = pam[s];
            String name = String.format("shadow-%05x", start);
            if (a.readsDram()) {
                list.add(new MemoryRegion(name, start, dram, !a.writesDram()));
                writes.add(a.writesDram() ? dram : null);
            } else {
                ByteBuffer rom = legacyRom.slice((int) (start - SHADOW_START), (int) length)
                        .order(ByteOrder.LITTLE_ENDIAN);
                list.add(new MemoryRegion(name, start, rom, true));
                writes.add(a.writesDram() ? dram : null);
            }
        }
        addRam(list, writes, "ram", ONE_MIB, lowRamEnd);
        list.add(new MemoryRegion("firmware", firmwareBase(), firmware, true));
        writes.add(null);
        long high = highRamSize();
        if (high > 0) {
            addHighRam(list, writes, high);
        }
        for (MemoryRegion r : dynamicRegions) {
            list.add(r);
            writes.add(r.readOnly() ? null : r.bytes());
        }
        // sort regions and their write targets together
        Integer[] order = new Integer[list.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> list.get(i).start()));
        List<MemoryRegion> sorted = new ArrayList<>(order.length);
        regionStarts = new long[order.length];
        regionEnds = new long[order.length];
        readTargets = new ByteBuffer[order.length];
        writeTargets = new ByteBuffer[order.length];
        for (int k = 0; k < order.length; k++) {
            MemoryRegion r = list.get(order[k]);
            sorted.add(r);
            regionStarts[k] = r.start();
            regionEnds[k] = r.end();
            readTargets[k] = r.bytes();
            writeTargets[k] = writes.get(order[k]);
        }
        regions = List.copyOf(sorted);
    }

    // RAM offsets equal guest-physical addresses below 4 GiB; cut at the RAM bank's 1 GiB chunks.
    private void addRam(List<MemoryRegion> list, List<ByteBuffer> writes, String name, long from, long to) {
        for (long a = from; a < to; ) {
            long next = Math.min(to, (a / RamBank.CHUNK + 1) * RamBank.CHUNK);
            ByteBuffer b = ram.slice(a, next - a);
            list.add(new MemoryRegion(a == from ? name : name + "@" + Long.toHexString(a), a, b, false));
            writes.add(b);
            a = next;
        }
    }

    private void addHighRam(List<MemoryRegion> list, List<ByteBuffer> writes, long high) {
        long offset = lowRamEnd;
        long address = FOUR_GIB;
        while (offset < ram.size()) {
            long next = Math.min(ram.size(), (offset / RamBank.CHUNK + 1) * RamBank.CHUNK);
            ByteBuffer b = ram.slice(offset, next - offset);
            list.add(new MemoryRegion("ram-high@" + Long.toHexString(address), address, b, false));
            writes.add(b);
            address += next - offset;
            offset = next;
        }
    }

    @Override
    public List<MemoryRegion> regions() {
        return regions;
    }

    private int regionIndex(long address) {
        int i = Arrays.binarySearch(regionStarts, address);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && address < regionEnds[i] ? i : -1;
    }

    @Override
    public long read(long address, int size) {
        int i = regionIndex(address);
        if (i < 0) {
            return mmio.read(address, size);
        }
        if (address + size > regionEnds[i]) {
            return splitRead(address, size);
        }
        ByteBuffer b = readTargets[i];
        int off = (int) (address - regionStarts[i]);
        return switch (size) {
            case 1 -> b.get(off) & 0xFFL;
            case 2 -> b.getShort(off) & 0xFFFFL;
            case 4 -> b.getInt(off) & 0xFFFF_FFFFL;
            case 8 -> b.getLong(off);
            default -> splitRead(address, size);
        };
    }

    @Override
    public void write(long address, int size, long value) {
        int i = regionIndex(address);
        if (i < 0) {
            mmio.write(address, size, value);
            return;
        }
        if (address + size > regionEnds[i]) {
            splitWrite(address, size, value);
            return;
        }
        ByteBuffer b = writeTargets[i];
        if (b == null) {
            return; // ROM, or shadow RAM that is write-protected: the write goes nowhere
        }
        int off = (int) (address - regionStarts[i]);
        switch (size) {
            case 1 -> b.put(off, (byte) value);
            case 2 -> b.putShort(off, (short) value);
            case 4 -> b.putInt(off, (int) value);
            case 8 -> b.putLong(off, value);
            default -> splitWrite(address, size, value);
        }
    }

    private long splitRead(long address, int size) {
        long v = 0;
        for (int k = 0; k < Math.min(size, 8); k++) {
            v |= read(address + k, 1) << (8 * k);
        }
        return v;
    }

    private void splitWrite(long address, int size, long value) {
        for (int k = 0; k < Math.min(size, 8); k++) {
            write(address + k, 1, value >>> (8 * k));
        }
    }

    // ---- bulk access for loaders and DMA

    /**
     * Copies bytes into guest-physical memory as a bus master would: RAM takes them directly, ROM ignores them,
     * MMIO gets byte writes. Tells the executor the range changed.
     */
    public void writeBytes(long address, byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        int done = 0;
        while (done < length) {
            long a = address + done;
            int i = regionIndex(a);
            if (i < 0) {
                mmio.write(a, 1, source[offset + done]);
                done++;
                continue;
            }
            int n = (int) Math.min(length - done, regionEnds[i] - a);
            ByteBuffer target = writeTargets[i];
            if (target != null) {
                target.put((int) (a - regionStarts[i]), source, offset + done, n);
            }
            done += n;
        }
        codeWritten.written(address, length);
    }

    public void writeBytes(long address, byte[] source) {
        writeBytes(address, source, 0, source.length);
    }

    /** Copies guest-physical memory out, as a bus master reads it (MMIO byte by byte, unmapped as 0xFF). */
    public void readBytes(long address, byte[] target, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, target.length);
        int done = 0;
        while (done < length) {
            long a = address + done;
            int i = regionIndex(a);
            if (i < 0) {
                target[offset + done] = (byte) mmio.read(a, 1);
                done++;
                continue;
            }
            int n = (int) Math.min(length - done, regionEnds[i] - a);
            readTargets[i].get((int) (a - regionStarts[i]), target, offset + done, n);
            done += n;
        }
    }

    /** Returns every shadow segment to its reset state (ROM side), as a hard reset of the host bridge does. */
    public void resetPam() {
        if (Arrays.stream(pam).anyMatch(a -> a != PamAttribute.DISABLED)) {
            Arrays.fill(pam, PamAttribute.DISABLED);
            rebuild();
            mapChanged.run();
        }
    }

    /** Clears all RAM to zero, as after power-on. */
    public void zeroRam() {
        ram.zero();
        codeWritten.written(0, FOUR_GIB + highRamSize());
    }
}
