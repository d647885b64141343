package org.quasivm.exec.handoff;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntConsumer;

import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * A PC-shaped machine for executor-agnostic tests: 640 KiB of RAM, a 64 KiB firmware image at F0000h and at the top
 * of 4 GiB (so the RESET state runs it), a console on port E9h and no interrupts.
 */
final class RomMachine implements PhysicalMemory, PortIo, InterruptSource {

    final ByteBuffer ram = GuestMemory.allocate(0xA_0000);
    private final List<MemoryRegion> regions;
    final StringBuilder console = new StringBuilder();
    IntConsumer onConsole = c -> { };

    RomMachine(byte[] firmware) {
        ByteBuffer rom = GuestMemory.allocate(0x1_0000);
        rom.put(0, firmware);
        regions = List.of(new MemoryRegion("ram-low", 0, ram, false),
                new MemoryRegion("bios-alias", 0xF_0000, rom, true),
                new MemoryRegion("bios", 0xFFFF_0000L, rom, true));
    }

    /** Same firmware, a copy of this machine's RAM, empty console: what a hand-off carries. */
    RomMachine copy(byte[] firmware) {
        RomMachine m = new RomMachine(firmware);
        m.ram.put(0, ram, 0, ram.capacity());
        return m;
    }

    Platform platform() {
        return new Platform(this, this, this, () -> 0L);
    }

    @Override
    public List<MemoryRegion> regions() {
        return regions;
    }

    @Override
    public long read(long address, int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    @Override
    public void write(long address, int size, long value) {
    }

    @Override
    public int in(int port, int size) {
        return -1;
    }

    @Override
    public void out(int port, int size, int value) {
        if (port == 0xE9) {
            console.append((char) (value & 0xFF));
            onConsole.accept(value & 0xFF);
        }
    }

    @Override
    public boolean hasInterrupt() {
        return false;
    }

    @Override
    public int acknowledge() {
        throw new IllegalStateException("no interrupts");
    }
}
