package org.quasivm.vmm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;
import org.quasivm.vmm.devices.ide.IdePlug;
import org.quasivm.vmm.devices.ide.IdePosition;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.testing.TestBoardWiring;

/**
 * The device side of a disk transfer, driven through the ports as a guest driver does: a 1 MiB bus-master DMA read
 * or write (sixteen 64 KiB PRD entries, as Linux builds them) and a 4 KiB PIO read, on a 64 MiB raw image in the
 * host page cache. This is the ceiling the emulated guest's own work comes on top of. Run with {@code -prof gc} to
 * confirm the transfer path allocates nothing.
 *
 * <pre>
 * java -cp vmm-core/target/test-classes:vmm-core/target/classes:$(cat /tmp/cp.txt) \
 *     org.openjdk.jmh.Main IdeTransferBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IdeTransferBenchmark {

    private static final int CMD = 0x1F0;
    private static final int BM = 0xC000;
    private static final long PRD = 0x10_0000;
    private static final long BUFFER = 0x20_0000;
    private static final int SECTORS = 64 << 11;

    private Path dir;
    private TestBoardWiring board;
    private long lba;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ide-bench");
        Path raw = dir.resolve("disk.raw");
        Files.write(raw, new byte[SECTORS * 512]);
        board = new TestBoardWiring(64L << 20);
        new IdePlug().disk(IdePosition.PRIMARY_MASTER, DiskImages.open(raw, OpenOptions.readWrite()
                .withFormat(ImageFormat.RAW)), false).plugInto(board);
        board.pci.writeConfig(1, 1, PciFunction.BAR0 + 16, 4, BM);
        board.pci.writeConfig(1, 1, PciFunction.COMMAND, 2, 5);
        for (int i = 0; i < 16; i++) {
            board.memory.write(PRD + 8L * i, 4, BUFFER + 0x1_0000L * i);
            board.memory.write(PRD + 8L * i + 4, 4, i == 15 ? 0x8000_0000L : 0);   // 0 = 64 KiB
        }
        board.out(BM + 4, 4, (int) PRD);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        board.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private void taskFile(long sector, int count) {
        board.outb(CMD + 2, count >> 8);
        board.outb(CMD + 3, (int) (sector >> 24));
        board.outb(CMD + 4, 0);
        board.outb(CMD + 5, 0);
        board.outb(CMD + 2, count);
        board.outb(CMD + 3, (int) sector);
        board.outb(CMD + 4, (int) (sector >> 8));
        board.outb(CMD + 5, (int) (sector >> 16));
        board.outb(CMD + 6, 0x40);
    }

    private long nextMebibyte() {
        lba = (lba + 2048) % SECTORS;
        return lba;
    }

    private int dma(int command, int direction) {
        taskFile(nextMebibyte(), 2048);
        board.outb(CMD + 7, command);
        board.outb(BM, 1 | direction);
        int status = board.inb(CMD + 7);
        board.outb(BM, 0);
        board.outb(BM + 2, 0x06);
        return status;
    }

    @Benchmark
    public int dmaRead1MiB() {
        return dma(0x25, 8);
    }

    @Benchmark
    public int dmaWrite1MiB() {
        return dma(0x35, 0);
    }

    @Benchmark
    public int pioRead4KiB() {
        taskFile(nextMebibyte(), 8);
        board.outb(CMD + 7, 0x24);
        int sum = 0;
        for (int s = 0; s < 8; s++) {
            sum += board.inb(CMD + 7);
            for (int w = 0; w < 256; w++) {
                sum += board.in(CMD, 2);
            }
        }
        return sum;
    }
}
