package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quasivm.disk.testing.DeviceBytes;

/**
 * The concurrency contract: readers running while one writer allocates and overwrites never fail and never
 * see bytes that were not written (every 8-byte word is zero or a word some write put there), and after the
 * writer is done everything reads back exactly.
 */
class ConcurrentAccessTest {
    private static final int SIZE = 12 << 20;
    private static final int READERS = 3;

    static Stream<Arguments> images() {
        return Stream.of(Arguments.of(ImageFormat.QCOW2, "v3", false), Arguments.of(ImageFormat.QCOW2, "v3", true),
                Arguments.of(ImageFormat.VMDK, "monolithicSparse", false), Arguments.of(ImageFormat.VHD, "dynamic", false),
                Arguments.of(ImageFormat.VHD, "dynamic", true), Arguments.of(ImageFormat.VDI, "dynamic", false));
    }

    /** The word a write of generation {@code gen} puts at word index {@code w}: never zero. */
    private static long word(long w, int gen) {
        return w * 1_000_003L + gen * 7919L + 1;
    }

    private static boolean plausible(long w, long v) {
        long rest = v - w * 1_000_003L - 1;
        return v == 0 || (rest >= 0 && rest % 7919 == 0 && rest / 7919 <= 1000);
    }

    @ParameterizedTest(name = "{0} {1} child={2}")
    @MethodSource("images")
    void readersDuringWritesSeeOnlyWrittenBytes(ImageFormat format, String sub, boolean child, @TempDir Path dir)
            throws Exception {
        Path img = dir.resolve("c." + format.id());
        if (child) {
            Path base = dir.resolve("base." + format.id());
            DiskImages.create(base, CreateOptions.of(format, sub, SIZE)).close();
            DiskImages.create(img, CreateOptions.childOf(format, base)).close();
        } else {
            DiskImages.create(img, CreateOptions.of(format, sub, SIZE)).close();
        }
        byte[] model = new byte[SIZE];
        ByteBuffer modelView = ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (DiskImage d = DiskImages.open(img, OpenOptions.readWrite())) {
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                int seed = t;
                Thread r = new Thread(() -> {
                    Random rnd = new Random(seed);
                    ByteBuffer b = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                    try {
                        while (!done.get() && failure.get() == null) {
                            int len = 8 * (1 + rnd.nextInt((1 << 20) / 8));
                            int off = 8 * rnd.nextInt((SIZE - len) / 8);
                            b.clear();
                            b.limit(len);
                            d.read(off, b);
                            for (int i = 0; i < len; i += 8) {
                                long w = (off + i) / 8;
                                if (!plausible(w, b.getLong(i))) {
                                    throw new AssertionError("garbage at " + (off + i));
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                readers.add(r);
                r.start();
            }
            Random rnd = new Random(99);
            for (int gen = 1; gen <= 150 && failure.get() == null; gen++) {
                int len = 8 * (1 + rnd.nextInt(40_000));
                int off = 8 * rnd.nextInt((SIZE - len) / 8);
                ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < len; i += 8) {
                    b.putLong(i, word((off + i) / 8, gen));
                    modelView.putLong(off + i, word((off + i) / 8, gen));
                }
                d.write(off, b);
            }
            done.set(true);
            for (Thread r : readers) {
                r.join();
            }
            assertNull(failure.get(), () -> "reader failed: " + failure.get());
            assertArrayEquals(model, DeviceBytes.readAll(d));
        }
    }
}
