package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.nativehelper.libc.HostAddress;

class KvmMemorySlotsTest {

    private final MemoryRegion low = new MemoryRegion("ram-low", 0, GuestMemory.allocate(0xA0000), false);
    private final MemoryRegion bios = new MemoryRegion("bios", 0xF0000, GuestMemory.allocate(0x10000), true);
    private final MemoryRegion high = new MemoryRegion("ram", 0x100000, GuestMemory.allocate(0x300000), false);

    @Test
    void eachRegionIsOneSlotWithItsReadOnlyFlag() {
        List<KvmMemorySlots.Mapping> slots = KvmMemorySlots.layout(List.of(low, bios, high), true);
        assertEquals(List.of(
                new KvmMemorySlots.Mapping(0, 0xA0000, HostAddress.of(low.bytes()), false),
                new KvmMemorySlots.Mapping(0xF0000, 0x10000, HostAddress.of(bios.bytes()), true),
                new KvmMemorySlots.Mapping(0x100000, 0x300000, HostAddress.of(high.bytes()), false)), slots);
    }

    @Test
    void a20OffMirrorsTheFirstMegabyteOverTheSecond() {
        List<KvmMemorySlots.Mapping> slots = KvmMemorySlots.layout(List.of(low, bios, high), false);
        long highHost = HostAddress.of(high.bytes());
        assertEquals(List.of(
                new KvmMemorySlots.Mapping(0, 0xA0000, HostAddress.of(low.bytes()), false),
                new KvmMemorySlots.Mapping(0xF0000, 0x10000, HostAddress.of(bios.bytes()), true),
                new KvmMemorySlots.Mapping(0x200000, 0x200000, highHost + 0x100000, false),
                new KvmMemorySlots.Mapping(0x100000, 0xA0000, HostAddress.of(low.bytes()), false),
                new KvmMemorySlots.Mapping(0x1F0000, 0x10000, HostAddress.of(bios.bytes()), true)), slots);
    }
}
