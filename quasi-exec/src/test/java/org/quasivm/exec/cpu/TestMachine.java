package org.quasivm.exec.cpu;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.quasivm.exec.Exit;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * A minimal machine for CPU tests: RAM from 0, an MMIO window that records accesses, recording ports, and an
 * interrupt controller the test drives.
 */
final class TestMachine {
    static final long MMIO_BASE = 0xE0000000L;

    final ByteBuffer ram;
    final SoftwareExecutor cpu;
    final List<String> io = new ArrayList<>();
    final List<String> mmio = new ArrayList<>();
    final Deque<Integer> pendingVectors = new ArrayDeque<>();
    int ferrAssertions;
    long tsc;
    int portInValue = 0xFFFFFFFF;
    /** A port that throws, to test that a broken device surfaces as an internal-error exit. */
    int throwingPort = -1;

    TestMachine() {
        this(4 << 20, new CpuFeatures(false, false));
    }

    TestMachine(int ramBytes, CpuFeatures features) {
        ram = GuestMemory.allocate(ramBytes);
        List<MemoryRegion> regions = List.of(new MemoryRegion("ram", 0, ram, false));
        PhysicalMemory memory = new PhysicalMemory() {
            @Override
            public List<MemoryRegion> regions() {
                return regions;
            }

            @Override
            public long read(long address, int size) {
                mmio.add("r" + size + " " + Long.toHexString(address));
                return 0x5A5A5A5A5A5A5A5AL & (size == 8 ? -1L : (1L << (8 * size)) - 1);
            }

            @Override
            public void write(long address, int size, long value) {
                mmio.add("w" + size + " " + Long.toHexString(address) + "=" + Long.toHexString(value));
            }
        };
        PortIo ports = new PortIo() {
            @Override
            public int in(int port, int size) {
                io.add("in" + size + " " + Integer.toHexString(port));
                return size == 4 ? portInValue : portInValue & ((1 << (8 * size)) - 1);
            }

            @Override
            public void out(int port, int size, int value) {
                if (port == throwingPort) {
                    throw new IllegalStateException("device defect on port " + Integer.toHexString(port));
                }
                io.add("out" + size + " " + Integer.toHexString(port) + "=" + Integer.toHexString(value));
            }
        };
        InterruptSource pic = new InterruptSource() {
            @Override
            public boolean hasInterrupt() {
                return !pendingVectors.isEmpty();
            }

            @Override
            public int acknowledge() {
                return pendingVectors.removeFirst();
            }

            @Override
            public void assertFerr() {
                ferrAssertions++;
            }
        };
        cpu = new SoftwareExecutor(new Platform(memory, ports, pic, () -> tsc), features);
    }

    void load(long address, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            ram.put((int) address + i, bytes[i]);
        }
        cpu.invalidateCode(address, bytes.length);
    }

    void write8(long address, int v) {
        ram.put((int) address, (byte) v);
        cpu.invalidateCode(address, 1);
    }

    void write16(long address, int v) {
        ram.putShort((int) address, (short) v);
        cpu.invalidateCode(address, 2);
    }

    void write32(long address, int v) {
        ram.putInt((int) address, v);
        cpu.invalidateCode(address, 4);
    }

    void write64(long address, long v) {
        ram.putLong((int) address, v);
        cpu.invalidateCode(address, 8);
    }

    int read8(long address) {
        return ram.get((int) address) & 0xFF;
    }

    int read16(long address) {
        return ram.getShort((int) address) & 0xFFFF;
    }

    int read32(long address) {
        return ram.getInt((int) address);
    }

    /** Leaves the HLT state as if an interrupt had been taken and returned (test code uses HLT as a breakpoint). */
    void resume() {
        org.quasivm.exec.state.CpuState s = cpu.saveState();
        cpu.restoreState(new org.quasivm.exec.state.CpuState(s.gprs(), s.rip(), s.rflags(), s.es(), s.cs(), s.ss(),
                s.ds(), s.fs(), s.gs(), s.ldtr(), s.tr(), s.gdtr(), s.idtr(), s.cr0(), s.cr2(), s.cr3(), s.cr4(),
                s.efer(), s.debugRegisters(), s.msrs(), s.fpu(), false, s.interruptShadow(), s.nmiPending(),
                s.nmiBlocked(), s.instructionsRetired()));
    }

    /** Runs until HLT (or the budget); fails on any other exit. */
    Exit runToHalt(long budget) {
        Exit e = cpu.run(budget);
        if (!(e instanceof Exit.Halted)) {
            throw new AssertionError("expected HLT, got " + e + " at " + cpu.saveState());
        }
        return e;
    }
}
