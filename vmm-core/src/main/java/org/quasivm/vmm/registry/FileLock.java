package org.quasivm.vmm.registry;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock shared between processes (an OS file lock on a lock file) and between threads of this process. Java's file
 * locks belong to the whole JVM, so threads are serialized first by a per-file in-process lock.
 */
public final class FileLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final java.nio.channels.FileLock osLock;

    private FileLock(ReentrantLock threadLock, FileChannel channel, java.nio.channels.FileLock osLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.osLock = osLock;
    }

    /** Blocks until the lock on {@code lockFile} (created if absent) is held, shared or exclusive. */
    public static FileLock acquire(Path lockFile, boolean shared) throws IOException {
        ReentrantLock threads = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
                p -> new ReentrantLock());
        threads.lock();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            return new FileLock(threads, ch, ch.lock(0, Long.MAX_VALUE, shared));
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            threads.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            osLock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}
