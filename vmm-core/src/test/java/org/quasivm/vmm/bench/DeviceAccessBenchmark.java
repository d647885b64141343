package org.quasivm.vmm.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.BootFirmware;
import org.quasivm.vmm.machine.PcBoard;

/**
 * What the CPU pays per trap into the board: port I/O dispatch to real devices, the memory slow path, the INTR
 * poll. Run with {@code -prof gc} to confirm nothing allocates.
 *
 * <pre>
 * mvn -B -q -pl vmm-core -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp vmm-core/target/test-classes:vmm-core/target/classes:$(cat /tmp/cp.txt) \
 *     org.openjdk.jmh.Main DeviceAccessBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeviceAccessBenchmark {

    private PcBoard board;
    private PortIo ports;
    private PhysicalMemory memory;
    private InterruptSource pic;
    private int value;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        byte[] rom = new byte[64 << 10];
        Arrays.fill(rom, (byte) 0xF4);
        board = new PcBoard(BoardConfig.builder(64 << 20, new BootFirmware.Rom("bench", rom))
                .clock(ClockMode.REALTIME).build());
        ports = board.platform().ports();
        memory = board.platform().memory();
        pic = board.platform().interrupts();
        // PM I/O at B000h, as SeaBIOS leaves it
        ports.out(0xCF8, 4, 0x8000_0B40);
        ports.out(0xCFC, 4, 0xB001);
        ports.out(0xCF8, 4, 0x8000_0B80);
        ports.out(0xCFC, 1, 1);
        ports.out(0x43, 1, 0x34);
        ports.out(0x40, 1, 0);
        ports.out(0x40, 1, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        board.close();
    }

    @Benchmark
    public void uartScratchWrite() {
        ports.out(0x3FF, 1, value++);
    }

    @Benchmark
    public int picMaskRead() {
        return ports.in(0x21, 1);
    }

    @Benchmark
    public int uartLineStatusRead() {
        return ports.in(0x3FD, 1);
    }

    @Benchmark
    public int pmTimerRead() {
        return ports.in(0xB008, 4);
    }

    @Benchmark
    public int pitLatchedCounterRead() {
        ports.out(0x43, 1, 0x00);
        return ports.in(0x40, 1) | ports.in(0x40, 1) << 8;
    }

    @Benchmark
    public int pciConfigRead() {
        ports.out(0xCF8, 4, 0x8000_0000);
        return ports.in(0xCFC, 4);
    }

    @Benchmark
    public int unmappedPortRead() {
        return ports.in(0x2E9, 1);
    }

    @Benchmark
    public long romSlowPathRead() {
        return memory.read(0xF_FFF0L, 4);
    }

    @Benchmark
    public void ramSlowPathWrite() {
        memory.write(0x10_0000L, 4, value++);
    }

    @Benchmark
    public boolean intrPoll() {
        return pic.hasInterrupt();
    }
}
