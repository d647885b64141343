package org.quasivm.templates.assets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * A Linux initramfs: a gzip-compressed "newc" cpio archive. Entries carry fixed owners and times and keep the order
 * they were added in, so the same inputs give the same bytes (deterministic boots start from identical images).
 */
public final class Initramfs {

    private record Entry(String path, int mode, byte[] content, int major, int minor) { }

    private final List<Entry> entries = new ArrayList<>();

    public Initramfs directory(String path) {
        entries.add(new Entry(path, CpioConstants.C_ISDIR | 0755, new byte[0], 0, 0));
        return this;
    }

    public Initramfs file(String path, int permissions, byte[] content) {
        entries.add(new Entry(path, CpioConstants.C_ISREG | permissions, content, 0, 0));
        return this;
    }

    public Initramfs symlink(String path, String target) {
        entries.add(new Entry(path, CpioConstants.C_ISLNK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0));
        return this;
    }

    public Initramfs characterDevice(String path, int permissions, int major, int minor) {
        entries.add(new Entry(path, CpioConstants.C_ISCHR | permissions, new byte[0], major, minor));
        return this;
    }

    /** Writes the archive to {@code target} atomically. */
    public void writeGzip(Path target) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (OutputStream file = Files.newOutputStream(temp);
             GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16);
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gz, CpioConstants.FORMAT_NEW)) {
            long inode = 1;
            for (Entry e : entries) {
                CpioArchiveEntry c = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.path(), e.content().length);
                c.setMode(e.mode());
                c.setInode(inode++);
                c.setNumberOfLinks((e.mode() & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
                c.setTime(0);
                c.setUID(0);
                c.setGID(0);
                c.setRemoteDeviceMaj(e.major());
                c.setRemoteDeviceMin(e.minor());
                cpio.putArchiveEntry(c);
                cpio.write(e.content());
                cpio.closeArchiveEntry();
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
