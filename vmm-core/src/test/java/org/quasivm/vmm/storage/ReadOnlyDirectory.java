package org.quasivm.vmm.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes a directory refuse new files for the length of a test, also when the tests run as root (as they do in CI):
 * permission bits do not stop root, so there the directory is made immutable with {@code chattr +i} (e2fsprogs,
 * essential on Debian; works on ext4, the file system CI's temporary directories live on). Fails the test, never
 * skips it, when neither works.
 */
final class ReadOnlyDirectory implements AutoCloseable {

    private final Path dir;
    private final boolean immutable;

    private ReadOnlyDirectory(Path dir, boolean immutable) {
        this.dir = dir;
        this.immutable = immutable;
    }

    static ReadOnlyDirectory of(Path dir) throws IOException, InterruptedException {
        if (dir.toFile().setWritable(false, false) && !canCreateIn(dir)) {
            return new ReadOnlyDirectory(dir, false);
        }
        dir.toFile().setWritable(true);
        chattr("+i", dir);
        if (canCreateIn(dir)) {
            chattr("-i", dir);
            throw new IllegalStateException(dir + ": neither permissions nor chattr +i made it read-only");
        }
        return new ReadOnlyDirectory(dir, true);
    }

    private static boolean canCreateIn(Path dir) {
        try {
            Files.delete(Files.createFile(dir.resolve(".probe")));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void chattr(String flag, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("chattr " + flag + " " + dir + " failed: " + out);
        }
    }

    @Override
    public void close() throws IOException {
        if (immutable) {
            try {
                chattr("-i", dir);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making " + dir + " writable again", e);
            }
        } else {
            dir.toFile().setWritable(true);
        }
    }
}
