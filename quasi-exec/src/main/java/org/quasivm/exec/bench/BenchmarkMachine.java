package org.quasivm.exec.bench;

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
 * A bare machine for CPU benchmarks: 16 MiB of RAM, no devices, a {@link SoftwareExecutor} placed directly into the
 * benchmark loop — in real mode, or in flat 32-bit protected mode with 4 KiB paging.
 */
public final class BenchmarkMachine {

    /** Where the guest runs. */
    public enum Mode {
        /** Real mode: code at 1000:0000, data at 2000:0000. */
        REAL,
        /** Flat 32-bit protected mode, CPL 0, identity-mapped 4 KiB pages: code at 1 MiB, data at 2 MiB. */
        PAGED
    }

    static final int RAM_BYTES = 16 << 20;
    private static final int GDT = 0x1000;
    private static final int PAGE_DIRECTORY = 0x10000;
    private static final int PAGE_TABLES = 0x11000;
    private static final int PM_CODE = 0x100000;
    private static final int PM_DATA = 0x200000;
    private static final int REAL_CODE_SEGMENT = 0x1000;
    private static final int REAL_DATA_SEGMENT = 0x2000;

    private final ByteBuffer ram = GuestMemory.allocate(RAM_BYTES);
    private final SoftwareExecutor cpu;

    public BenchmarkMachine(BenchmarkGuest guest, Mode mode) {
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
                // No devices.
            }
        };
        PortIo ports = new PortIo() {
            @Override
            public int in(int port, int size) {
                return -1;
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
                throw new IllegalStateException("the benchmark machine raises no interrupts");
            }
        };
        cpu = new SoftwareExecutor(new Platform(memory, ports, none, System::nanoTime));
        if (mode == Mode.REAL) {
            loadReal(guest.realModeCode());
        } else {
            loadPaged(guest.protectedModeCode());
        }
    }

    public SoftwareExecutor cpu() {
        return cpu;
    }

    private void putFloats(int dataAddress) {
        ram.putFloat(dataAddress, 2.0f);
        ram.putFloat(dataAddress + 4, 0.5f);
    }

    private void loadReal(byte[] code) {
        ram.put(REAL_CODE_SEGMENT << 4, code);
        putFloats(REAL_DATA_SEGMENT << 4);
        long[] gprs = new long[16];
        gprs[4] = 0xFFFE;
        gprs[1] = 0xFFFF;
        gprs[3] = 3;
        SegmentState data = SegmentState.realMode(REAL_DATA_SEGMENT);
        SegmentState code16 = new SegmentState(REAL_CODE_SEGMENT, REAL_CODE_SEGMENT << 4, 0xFFFF,
                SegmentState.P | SegmentState.S | 0xB);
        restore(gprs, 0, code16, SegmentState.realMode(0x3000), data, 0x60000010L | 0x20, 0, 0);
    }

    private void loadPaged(byte[] code) {
        ram.put(PM_CODE, code);
        putFloats(PM_DATA);
        ram.putLong(GDT + 8, 0x00CF9A000000FFFFL);
        ram.putLong(GDT + 16, 0x00CF92000000FFFFL);
        for (int t = 0; t < RAM_BYTES >>> 22; t++) {
            ram.putInt(PAGE_DIRECTORY + 4 * t, (PAGE_TABLES + 4096 * t) | 0x7);
        }
        for (int page = 0; page < RAM_BYTES >>> 12; page++) {
            ram.putInt(PAGE_TABLES + 4 * page, (page << 12) | 0x7);
        }
        long[] gprs = new long[16];
        gprs[4] = 0x90000;
        gprs[1] = 0xFFFFFFFFL;
        gprs[3] = 3;
        SegmentState codeSeg = new SegmentState(0x08, 0, 0xFFFFFFFF, 0xC09B);
        SegmentState dataSeg = new SegmentState(0x10, 0, 0xFFFFFFFF, 0xC093);
        restore(gprs, PM_CODE, codeSeg, dataSeg, dataSeg, 0x80000031L, PAGE_DIRECTORY, 0);
    }

    private void restore(long[] gprs, long eip, SegmentState cs, SegmentState ss, SegmentState data, long cr0,
                         long cr3, long cr4) {
        cpu.restoreState(new CpuState(gprs, eip, 0x2, data, cs, ss, data, data, data,
                new SegmentState(0, 0, 0, SegmentState.UNUSABLE),
                new SegmentState(0, 0, 0x67, SegmentState.P | 0xB),
                new TableRegister(GDT, 23), new TableRegister(0, 0x3FF), cr0, 0, cr3, cr4, 0,
                new long[] {0, 0, 0, 0, 0, 0, 0xFFFF0FF0L, 0x400}, new TreeMap<>(), FpuState.initialized(), false, 0,
                false, false, 0));
    }

    /** Runs about {@code instructions} guest instructions. */
    public void run(long instructions) {
        cpu.run(instructions);
    }
}
