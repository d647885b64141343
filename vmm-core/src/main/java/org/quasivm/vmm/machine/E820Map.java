package org.quasivm.vmm.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.quasivm.vmm.memory.PcMemoryMap;

/** The BIOS memory map (INT 15h E820h): what RAM the guest may use and what is reserved. */
public final class E820Map {

    public static final int RAM = 1;
    public static final int RESERVED = 2;
    /** An entry as both fw_cfg "etc/e820" and boot_params store it: u64 address, u64 length, u32 type. */
    public static final int ENTRY_BYTES = 20;

    public record Entry(long address, long length, int type) { }

    private final List<Entry> entries;

    private E820Map(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** What fw_cfg tells SeaBIOS: all RAM below the PCI hole and above 4 GiB (the BIOS carves its own areas). */
    public static E820Map forFirmware(PcMemoryMap memory) {
        List<Entry> list = new ArrayList<>();
        list.add(new Entry(0, memory.lowRamEnd(), RAM));
        if (memory.highRamSize() > 0) {
            list.add(new Entry(PcMemoryMap.FOUR_GIB, memory.highRamSize(), RAM));
        }
        return new E820Map(list);
    }

    /**
     * What a BIOS would report to a kernel booted without one: conventional RAM up to the usual extended BIOS data
     * area, the BIOS segment reserved, extended RAM, the firmware window below 4 GiB reserved, RAM above 4 GiB.
     */
    public static E820Map forKernel(PcMemoryMap memory) {
        List<Entry> list = new ArrayList<>();
        list.add(new Entry(0, 0x9_FC00L, RAM));
        list.add(new Entry(0x9_FC00L, 0x400, RESERVED));
        list.add(new Entry(0xF_0000L, 0x1_0000L, RESERVED));
        list.add(new Entry(PcMemoryMap.ONE_MIB, memory.lowRamEnd() - PcMemoryMap.ONE_MIB, RAM));
        list.add(new Entry(memory.firmwareBase(), PcMemoryMap.FOUR_GIB - memory.firmwareBase(), RESERVED));
        if (memory.highRamSize() > 0) {
            list.add(new Entry(PcMemoryMap.FOUR_GIB, memory.highRamSize(), RAM));
        }
        return new E820Map(list);
    }

    public List<Entry> entries() {
        return entries;
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(entries.size() * ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            b.putLong(e.address()).putLong(e.length()).putInt(e.type());
        }
        return b.array();
    }
}
