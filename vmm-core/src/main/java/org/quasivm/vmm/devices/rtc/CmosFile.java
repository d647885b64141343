package org.quasivm.vmm.devices.rtc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A VM's CMOS on disk: {@code "QVMCMOS\0"}, a format version (u32), the 128 bytes, the clock offset (i64), and a
 * CRC-32 of everything before it; little-endian, 152 bytes. Written through a temporary file, fsync and an atomic
 * rename so a crash leaves the old or the new file, never half of one.
 */
public final class CmosFile {

    static final byte[] MAGIC = "QVMCMOS\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int LENGTH = MAGIC.length + 4 + RtcState.SIZE + 8 + 4;

    private CmosFile() {
    }

    /** Reads the file, or empty if it does not exist. A damaged file is an error naming the file and the field. */
    public static Optional<CmosImage> load(Path file) throws IOException {
        byte[] raw;
        try {
            if (Files.size(file) != LENGTH) {
                throw new IOException(file + ": CMOS file length " + Files.size(file) + " is not " + LENGTH);
            }
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a QuasiVM CMOS file (magic)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException(file + ": CMOS file version " + version + " is not supported (expected "
                    + VERSION + ")");
        }
        byte[] cmos = new byte[RtcState.SIZE];
        b.get(cmos);
        long offset = b.getLong();
        int stored = b.getInt();
        CRC32 crc = new CRC32();
        crc.update(raw, 0, LENGTH - 4);
        if ((int) crc.getValue() != stored) {
            throw new IOException(file + ": CMOS file checksum mismatch");
        }
        return Optional.of(new CmosImage(cmos, offset));
    }

    public static void save(Path file, CmosImage image) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).put(image.bytes()).putLong(image.offsetSeconds());
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, LENGTH - 4);
        b.putInt((int) crc.getValue());
        b.flip();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself must reach the disk
        } catch (IOException ignored) {
            // some file systems cannot open directories; the data file is already synced
        }
    }
}
