package org.quasivm.vmm.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A VM's claim on an image file: exclusive for an image it writes, shared for one it only reads (read-only disks,
 * parents of differencing chains, ISOs). Another VM asking for a conflicting claim gets an
 * {@link ImageInUseException} naming the VM that holds it.
 *
 * <p>How: beside the image sits a lock file {@code .NAME.qvm-lock}. Byte 0 of it carries the OS lock (shared or
 * exclusive, held while the image is in use; the OS drops it when a process dies, so a crash never leaves an image
 * locked), byte 1 is a short-lived lock under which holders edit the file's text: one line per holder,
 * {@code pid mode vm-name}. A lock file is left in place when released (deleting it would race with a process
 * about to lock it); stale lines of dead processes are ignored and pruned.
 *
 * <p>OS file locks belong to a process, so claims made inside this JVM (several machines in one test process) are
 * arbitrated by a table here first; a shared claim taken twice shares one OS lock.
 *
 * <p>When the directory cannot hold a lock file (a read-only CD image directory), a shared claim proceeds without
 * one and {@link #named()} is false; the image cannot be written from there anyway.
 */
public final class ImageLock implements AutoCloseable {

    public enum Mode {
        SHARED("reads"), EXCLUSIVE("writes");

        private final String verb;

        Mode(String verb) {
            this.verb = verb;
        }
    }

    /** The holders in this JVM, by lock file. */
    private static final Map<Path, Claim> CLAIMS = new HashMap<>();

    private static final class Claim {
        final Mode mode;
        final FileChannel channel;
        final FileLock lock;
        final List<String> owners = new ArrayList<>();

        Claim(Mode mode, FileChannel channel, FileLock lock) {
            this.mode = mode;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Path image;
    private final Path lockFile;
    private final String owner;
    private final Mode mode;
    private boolean released;

    private ImageLock(Path image, Path lockFile, String owner, Mode mode) {
        this.image = image;
        this.lockFile = lockFile;
        this.owner = owner;
        this.mode = mode;
    }

    public static Path lockFileOf(Path image) {
        Path abs = image.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".qvm-lock");
    }

    /**
     * Claims {@code image} for the VM {@code vmName}.
     *
     * @throws ImageInUseException when another VM or process holds a conflicting claim (the message names it)
     * @throws IOException         when the image does not exist or the lock file cannot be used
     */
    public static ImageLock acquire(Path image, Mode mode, String vmName) throws IOException {
        Objects.requireNonNull(mode, "mode");
        Path real;
        try {
            real = image.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(image.toString(), null, "no such file");
        }
        Path lockFile = lockFileOf(real);
        String owner = ProcessHandle.current().pid() + " " + mode.name().toLowerCase() + " " + vmName;
        synchronized (CLAIMS) {
            Claim held = CLAIMS.get(lockFile);
            if (held != null) {
                if (mode == Mode.SHARED && held.mode == Mode.SHARED) {
                    held.owners.add(owner);
                    editRecords(held.channel, owner, true);
                    return new ImageLock(real, lockFile, owner, mode);
                }
                throw inUse(real, mode, parse(held.owners));
            }
            FileChannel channel = openLockFile(lockFile, mode);
            if (channel == null) {
                // no lock file possible (read-only directory) and only reading: nothing else can write there
                return new ImageLock(real, null, owner, mode);
            }
            FileLock lock;
            try {
                lock = channel.tryLock(0, 1, mode == Mode.SHARED);
            } catch (IOException | OverlappingFileLockException e) {
                channel.close();
                throw new IOException(lockFile + ": cannot lock: " + e.getMessage(), e);
            }
            if (lock == null) {
                List<String> holders = liveRecords(readRecords(channel));
                channel.close();
                throw inUse(real, mode, holders);
            }
            Claim claim = new Claim(mode, channel, lock);
            claim.owners.add(owner);
            try {
                editRecords(channel, owner, true);
            } catch (IOException e) {
                if (!channel.isOpen() || mode == Mode.EXCLUSIVE) {
                    channel.close();
                    throw e;
                }
                // a read-only lock file: the shared lock still protects, the record is just not written
            }
            CLAIMS.put(lockFile, claim);
            return new ImageLock(real, lockFile, owner, mode);
        }
    }

    /** A read-write channel on the lock file, read-only if that is all the file allows, or null (shared only). */
    private static FileChannel openLockFile(Path lockFile, Mode mode) throws IOException {
        try {
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (java.nio.file.FileSystemException e) {
            if (mode == Mode.EXCLUSIVE) {
                throw new IOException(lockFile + ": cannot create the lock file for an image this VM writes: "
                        + e.getMessage(), e);
            }
            if (Files.isRegularFile(lockFile)) {
                try {
                    return FileChannel.open(lockFile, StandardOpenOption.READ);
                } catch (IOException again) {
                    return null;
                }
            }
            return null;
        }
    }

    private static ImageInUseException inUse(Path image, Mode wanted, List<String> holders) {
        StringBuilder who = new StringBuilder();
        for (String h : holders) {
            String[] f = h.split(" ", 3);
            if (f.length < 3) {
                continue;
            }
            if (!who.isEmpty()) {
                who.append(", ");
            }
            who.append("VM '").append(f[2]).append("' (pid ").append(f[0]).append(", ")
                    .append("exclusive".equals(f[1]) ? "writing" : "reading").append(')');
        }
        String by = who.isEmpty() ? "another program (no QuasiVM VM is recorded in " + lockFileOf(image) + ")"
                : who.toString();
        return new ImageInUseException(image, image + ": in use by " + by + "; this VM "
                + (wanted == Mode.EXCLUSIVE ? "needs to write it" : "needs to read it, and it is being written"));
    }

    private static List<String> parse(List<String> owners) {
        return new ArrayList<>(owners);
    }

    /** The lines of live processes, read under the edit lock (briefly waited for). */
    private static List<String> readRecords(FileChannel channel) {
        try (FileLock edit = lockForEdit(channel, true)) {
            return lines(channel);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static FileLock lockForEdit(FileChannel channel, boolean shared) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            FileLock l = channel.tryLock(1, 1, shared);
            if (l != null) {
                return l;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lock file");
            }
        }
        throw new IOException("the lock file stayed busy");
    }

    private static List<String> lines(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 64 * 1024);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
            // keep reading
        }
        String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    private static List<String> liveRecords(List<String> records) {
        List<String> live = new ArrayList<>();
        for (String r : records) {
            String[] f = r.split(" ", 3);
            try {
                long pid = Long.parseLong(f[0]);
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    live.add(r);
                }
            } catch (NumberFormatException e) {
                // not a record of ours
            }
        }
        return live;
    }

    /** Adds or removes {@code owner}'s line, dropping lines of dead processes, under the edit lock. */
    private static void editRecords(FileChannel channel, String owner, boolean add) throws IOException {
        try (FileLock edit = lockForEdit(channel, false)) {
            List<String> records = liveRecords(lines(channel));
            records.remove(owner);
            if (add) {
                records.add(owner);
            }
            byte[] text = (String.join("\n", records) + (records.isEmpty() ? "" : "\n"))
                    .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text), 0);
            channel.force(false);
        } catch (java.nio.channels.NonWritableChannelException e) {
            throw new IOException("the lock file is read-only", e);
        }
    }

    public Path image() {
        return image;
    }

    public Mode mode() {
        return mode;
    }

    /** Whether another VM asking for this image would be told who holds it (a lock file exists). */
    public boolean named() {
        return lockFile != null;
    }

    @Override
    public void close() throws IOException {
        if (released || lockFile == null) {
            released = true;
            return;
        }
        released = true;
        synchronized (CLAIMS) {
            Claim claim = CLAIMS.get(lockFile);
            if (claim == null) {
                return;
            }
            claim.owners.remove(owner);
            try {
                editRecords(claim.channel, owner, false);
            } catch (IOException e) {
                // the record goes stale: readers ignore lines of dead processes
            }
            if (claim.owners.isEmpty()) {
                CLAIMS.remove(lockFile);
                try {
                    claim.lock.release();
                } finally {
                    claim.channel.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return mode.verb + " " + image;
    }
}
