package org.quasivm.disk.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes after {@link ImageFile#bypassPageCacheForData()}: aligned ones go around the page cache, the rest through
 * it, on the same pages in any order. The files live under {@code target/} rather than the temp folder, which may
 * be a tmpfs (no O_DIRECT there).
 */
class ImageFileDirectWritesTest {
    private static final int SIZE = 1 << 20;
    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        dir = Files.createTempDirectory(target.toAbsolutePath(), "direct-writes");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void mixedDirectAndBufferedWritesReadBackAsWritten() throws IOException {
        byte[] model = new byte[SIZE];
        SplittableRandom rnd = new SplittableRandom(3);
        ByteBuffer aligned = PageAlignedBuffer.allocate(64 * 1024);
        try (ImageFile f = ImageFile.create(dir.resolve("img"))) {
            f.truncate(SIZE);
            f.bypassPageCacheForData();
            for (int i = 0; i < 400; i++) {
                boolean pageWrite = rnd.nextBoolean();
                int len = pageWrite ? 4096 * (1 + rnd.nextInt(16)) : 1 + rnd.nextInt(6000);
                int off = pageWrite ? 4096 * rnd.nextInt((SIZE - len) / 4096 + 1) : rnd.nextInt(SIZE - len + 1);
                byte[] data = new byte[len];
                rnd.nextBytes(data);
                System.arraycopy(data, 0, model, off, len);
                ByteBuffer src = pageWrite ? aligned.clear().put(data).flip() : ByteBuffer.wrap(data);
                f.writeFully(src, off);
                if (i % 50 == 0) {
                    assertArrayEquals(model, readAll(f), "after write " + i);
                }
            }
            f.sync();
            assertArrayEquals(model, readAll(f));
        }
        assertArrayEquals(model, Files.readAllBytes(dir.resolve("img")));
    }

    @Test
    void bypassOpensAnODirectDescriptorWhereTheFileSystemAllowsIt() throws IOException {
        Path p = dir.resolve("img");
        try (ImageFile f = ImageFile.create(p)) {
            assumeTrue(directSupported(p), "the file system under target/ refuses O_DIRECT");
            assertFalse(hasDirectDescriptor(p), "no O_DIRECT descriptor before the call");
            f.bypassPageCacheForData();
            assertTrue(hasDirectDescriptor(p), "an O_DIRECT descriptor on " + p);
        }
    }

    private static boolean directSupported(Path p) {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Linux: an open descriptor of this process on {@code p} whose flags hold O_DIRECT (octal 040000). */
    private static boolean hasDirectDescriptor(Path p) throws IOException {
        Path real = p.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (!target.equals(real)) {
                    continue;
                }
                for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                    if (line.startsWith("flags:") && (Long.parseLong(line.substring(6).trim(), 8) & 040000) != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static byte[] readAll(ImageFile f) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        f.readFully(b, 0, "test data");
        return b.array();
    }
}
