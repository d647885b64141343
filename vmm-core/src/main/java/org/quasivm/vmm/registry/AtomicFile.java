package org.quasivm.vmm.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that a crash at any moment leaves either the old content or the new, never a torn file:
 * write a temporary file beside it, fsync it, rename it over the target, fsync the directory.
 */
public final class AtomicFile {

    /**
     * Fault-injection hook for the crash-safety tests: when set to N, the content is written in small pieces with
     * N ms between them, so a test can kill the writer in the middle. Never set in normal use.
     */
    static final String SLOW_WRITE_PROPERTY = "quasivm.test.slowWriteMillis";
    private static final String TEMP_MARK = ".tmp-";

    private AtomicFile() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + TEMP_MARK + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeAll(ch, content);
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(dir + ": the file system cannot rename atomically", e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Removes temporary files a killed writer left beside {@code target}. Call only while holding its lock. */
    public static void removeStaleTemporaries(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName() + TEMP_MARK;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Makes a rename or a new directory entry durable (POSIX: fsync the directory). */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories for reading; the rename itself is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
                throw e;
            }
        }
    }

    private static void writeAll(FileChannel ch, byte[] content) throws IOException {
        long pause = Long.getLong(SLOW_WRITE_PROPERTY, 0L);
        int piece = pause > 0 ? 16 : content.length;
        for (int off = 0; off < content.length; off += piece) {
            ByteBuffer b = ByteBuffer.wrap(content, off, Math.min(piece, content.length - off));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (pause > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing " + ch, e);
                }
            }
        }
    }
}
