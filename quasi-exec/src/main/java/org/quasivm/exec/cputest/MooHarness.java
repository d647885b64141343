package org.quasivm.exec.cputest;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;

import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;

/**
 * Runs single MOO tests on a {@link SoftwareExecutor} over 16 MiB of RAM, as the test sets assume. Port reads return
 * all ones, as the README requires for IN.
 */
final class MooHarness {
    static final int RAM_BYTES = 16 << 20;
    private static final int HLT = 0xF4;

    private final ByteBuffer ram = GuestMemory.allocate(RAM_BYTES);
    private final SoftwareExecutor cpu;
    /** Exception vector the CPU raised in the last {@link #run}, or -1. */
    int lastException = -1;

    MooHarness() {
        List<MemoryRegion> regions = List.of(new MemoryRegion("ram", 0, ram, false));
        PhysicalMemory memory = new PhysicalMemory() {
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
                // Beyond the 16 MiB the tests assume: dropped.
            }
        };
        PortIo ports = new PortIo() {
            @Override
            public int in(int port, int size) {
                return size == 4 ? -1 : (1 << (8 * size)) - 1;
            }

            @Override
            public void out(int port, int size, int value) {
                // No devices.
            }
        };
        InterruptSource none = new InterruptSource() {
            @Override
            public boolean hasInterrupt() {
                return false;
            }

            @Override
            public int acknowledge() {
                throw new IllegalStateException("no interrupt controller in the MOO harness");
            }
        };
        cpu = new SoftwareExecutor(new Platform(memory, ports, none, () -> 0L));
    }

    /** Runs one test; returns null when it passes, else what differed. */
    String run(MooTest t, int flagsMask) {
        int[] r = t.initialRegs();
        for (int i = 0; i < t.initialRam().length; i += 2) {
            ram.put(t.initialRam()[i] & (RAM_BYTES - 1), (byte) t.initialRam()[i + 1]);
        }
        cpu.invalidateCode(0, RAM_BYTES);
        cpu.restoreState(initialState(r));
        boolean alive = cpu.step();
        lastException = cpu.lastException();
        if (!alive) {
            return "CPU shut down (triple fault)";
        }
        CpuState s = cpu.saveState();
        boolean isHlt = KnownDifferences.firstOpcode(t.bytes()) == HLT;
        int[] actual = {
            (int) s.gpr(0) & 0xFFFF, (int) s.gpr(3) & 0xFFFF, (int) s.gpr(1) & 0xFFFF, (int) s.gpr(2) & 0xFFFF,
            s.cs().selector(), s.ss().selector(), s.ds().selector(), s.es().selector(),
            (int) s.gpr(4) & 0xFFFF, (int) s.gpr(5) & 0xFFFF, (int) s.gpr(6) & 0xFFFF, (int) s.gpr(7) & 0xFFFF,
            (int) (s.rip() + (isHlt ? 0 : 1)) & 0xFFFF, (int) s.rflags() & 0xFFFF,
        };
        StringBuilder diff = new StringBuilder();
        for (int i = 0; i < actual.length; i++) {
            int expected = t.finalRegister(i);
            int mask = i == MooTest.FLAGS ? flagsMask : 0xFFFF;
            if ((actual[i] & mask) != (expected & mask)) {
                diff.append(String.format(" %s=%04x(want %04x)", MooTest.REGISTER_NAMES[i], actual[i], expected));
            }
        }
        // FLAGS pushed by an exception: IP, CS, FLAGS are at SP, SP+2, SP+4 of the final stack. (The EXCP chunk's
        // address is rounded down to even when SP is odd, so compute it.)
        long flagsAt = t.exception() < 0 ? -1
                : ((long) t.finalRegister(MooTest.SS) << 4) + ((t.finalRegister(MooTest.SP) + 4) & 0xFFFF);
        int[] fin = t.finalRam();
        for (int i = 0; i < fin.length; i += 2) {
            long addr = fin[i] & 0xFFFFFFFFL;
            int mask = 0xFF;
            if (addr == flagsAt) {
                mask = flagsMask & 0xFF;
            } else if (addr == flagsAt + 1) {
                mask = (flagsMask >>> 8) & 0xFF;
            }
            int got = ram.get((int) addr & (RAM_BYTES - 1)) & 0xFF;
            if ((got & mask) != (fin[i + 1] & mask)) {
                diff.append(String.format(" [%06x]=%02x(want %02x)", addr, got, fin[i + 1]));
            }
        }
        int[] init = t.initialRam();
        for (int i = 0; i < init.length; i += 2) {
            long addr = init[i] & 0xFFFFFFFFL;
            if (!listed(fin, addr)) {
                int got = ram.get((int) addr & (RAM_BYTES - 1)) & 0xFF;
                if (got != init[i + 1]) {
                    diff.append(String.format(" [%06x]=%02x(unchanged %02x)", addr, got, init[i + 1]));
                }
            }
        }
        return diff.length() == 0 ? null : diff.toString().strip();
    }

    private static boolean listed(int[] ramPairs, long addr) {
        for (int i = 0; i < ramPairs.length; i += 2) {
            if ((ramPairs[i] & 0xFFFFFFFFL) == addr) {
                return true;
            }
        }
        return false;
    }

    private static CpuState initialState(int[] r) {
        long[] gprs = new long[16];
        gprs[0] = r[MooTest.AX];
        gprs[1] = r[MooTest.CX];
        gprs[2] = r[MooTest.DX];
        gprs[3] = r[MooTest.BX];
        gprs[4] = r[MooTest.SP];
        gprs[5] = r[MooTest.BP];
        gprs[6] = r[MooTest.SI];
        gprs[7] = r[MooTest.DI];
        // FLAGS bits 12-15 cannot be set in real mode on the 286 (README); bits 3 and 5 are reserved zero.
        long flags = (r[MooTest.FLAGS] & 0x0FD5) | 2;
        SegmentState code = new SegmentState(r[MooTest.CS], (long) r[MooTest.CS] << 4, 0xFFFF,
                SegmentState.P | SegmentState.S | 0xB);
        return new CpuState(gprs, r[MooTest.IP], flags,
                SegmentState.realMode(r[MooTest.ES]), code, SegmentState.realMode(r[MooTest.SS]),
                SegmentState.realMode(r[MooTest.DS]), SegmentState.realMode(0), SegmentState.realMode(0),
                new SegmentState(0, 0, 0xFFFF, SegmentState.P | 2), new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0xB),
                new TableRegister(0, 0xFFFF), new TableRegister(0, 0xFFFF), 0x60000010L, 0, 0, 0, 0,
                new long[] {0, 0, 0, 0, 0, 0, 0xFFFF0FF0L, 0x400}, new TreeMap<>(), FpuState.powerOn(), false, 0,
                false, false, 0);
    }
}
