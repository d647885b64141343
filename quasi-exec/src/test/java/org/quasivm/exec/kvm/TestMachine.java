package org.quasivm.exec.kvm;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntConsumer;

import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * The smallest machine an executor can run: RAM regions, a console on port E9h, a log of slow-path memory
 * accesses (MMIO) answered from a fixed value, and an interrupt controller the test drives.
 */
final class TestMachine implements PhysicalMemory, PortIo, InterruptSource {

    static final int CONSOLE = 0xE9;

    private final List<MemoryRegion> regions = new ArrayList<>();
    final StringBuilder console = new StringBuilder();
    final List<String> slowAccesses = new ArrayList<>();
    final List<String> portAccesses = new ArrayList<>();
    long slowReadValue = 0xFFFF_FFFF_FFFF_FFFFL;
    private final Deque<Integer> pendingVectors = new ArrayDeque<>();
    int acknowledged;
    IntConsumer onConsole = c -> { };
    Runnable onAcknowledge = () -> { };

    TestMachine(long ramBytes) {
        regions.add(new MemoryRegion("ram", 0, GuestMemory.allocate(ramBytes), false));
    }

    ByteBuffer ram() {
        return regions.get(0).bytes();
    }

    void load(int address, byte[] code) {
        ram().put(address, code);
    }

    void addRegion(MemoryRegion region) {
        regions.add(region);
        regions.sort((a, b) -> Long.compare(a.start(), b.start()));
    }

    /** A machine with a copy of this one's RAM (what a hand-over to another executor carries). */
    TestMachine copyRam() {
        TestMachine copy = new TestMachine(ram().capacity());
        copy.ram().put(0, ram(), 0, ram().capacity());
        return copy;
    }

    void raise(int vector) {
        pendingVectors.add(vector);
    }

    Platform platform() {
        return new Platform(this, this, this, () -> 0L);
    }

    @Override
    public List<MemoryRegion> regions() {
        return List.copyOf(regions);
    }

    @Override
    public long read(long address, int size) {
        slowAccesses.add("read " + Long.toHexString(address) + "/" + size);
        return size == 8 ? slowReadValue : slowReadValue & ((1L << (8 * size)) - 1);
    }

    @Override
    public void write(long address, int size, long value) {
        slowAccesses.add("write " + Long.toHexString(address) + "/" + size + "=" + Long.toHexString(value));
    }

    @Override
    public int in(int port, int size) {
        portAccesses.add("in " + Integer.toHexString(port) + "/" + size);
        return -1;
    }

    @Override
    public void out(int port, int size, int value) {
        if (port == CONSOLE && size == 1) {
            console.append((char) (value & 0xFF));
            onConsole.accept(value & 0xFF);
        } else {
            portAccesses.add("out " + Integer.toHexString(port) + "/" + size + "=" + Integer.toHexString(value));
        }
    }

    @Override
    public boolean hasInterrupt() {
        return !pendingVectors.isEmpty();
    }

    @Override
    public int acknowledge() {
        acknowledged++;
        onAcknowledge.run();
        return pendingVectors.remove();
    }
}
