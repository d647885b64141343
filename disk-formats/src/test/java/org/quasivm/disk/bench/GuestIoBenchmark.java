package org.quasivm.disk.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;

/**
 * The guest I/O path (an IDE drive reading and overwriting 4 KiB sectors at random) on each sparse format.
 * Run with the gc profiler to see allocation per operation:
 * {@code java -cp <test classpath> org.openjdk.jmh.Main GuestIoBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GuestIoBenchmark {
    private static final long SIZE = 64L << 20;

    @Param({"QCOW2", "VMDK", "VHD", "VDI"})
    public String format;

    private Path dir;
    private DiskImage image;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
    private final long[] offsets = new long[4096];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("guest-io-");
        Path p = dir.resolve("d.img");
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        SplittableRandom r = new SplittableRandom(1);
        try (DiskImage d = DiskImages.create(p, CreateOptions.of(ImageFormat.valueOf(format), SIZE))) {
            for (long off = 0; off < SIZE; off += chunk.capacity()) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    chunk.putLong(r.nextLong() | 1);
                }
                chunk.flip();
                d.write(off, chunk);
            }
        }
        image = DiskImages.open(p, OpenOptions.readWrite().withFormat(ImageFormat.valueOf(format)));
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = r.nextLong(SIZE / 4096) * 4096;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        image.close();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    public ByteBuffer read4k() throws IOException {
        buffer.clear();
        image.read(offsets[next++ & (offsets.length - 1)], buffer);
        return buffer;
    }

    @Benchmark
    public ByteBuffer overwrite4k() throws IOException {
        buffer.clear();
        image.write(offsets[next++ & (offsets.length - 1)], buffer);
        return buffer;
    }
}
