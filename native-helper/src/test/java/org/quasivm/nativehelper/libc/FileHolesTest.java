package org.quasivm.nativehelper.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lseek(SEEK_DATA/SEEK_HOLE) on real sparse files in the test's temporary folder (ext4 or tmpfs here). */
class FileHolesTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** 8 MiB: a hole, 1 MiB of data at 2 MiB, a hole to the end. */
    private Path sparse() throws IOException {
        Path p = dir.resolve("sparse.img");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer data = ByteBuffer.allocate((int) MIB);
            while (data.hasRemaining()) {
                data.put((byte) 0x5a);
            }
            data.flip();
            ch.write(data, 2 * MIB);
            ch.truncate(8 * MIB);
            ch.write(ByteBuffer.allocate(1), 8 * MIB - 1);
        }
        return p;
    }

    @Test
    void nextDataSkipsTheLeadingHole() throws IOException {
        try (FileHoles h = FileHoles.open(sparse())) {
            assertEquals(2 * MIB, h.nextData(0));
        }
    }

    @Test
    void nextHoleFindsTheEndOfTheData() throws IOException {
        try (FileHoles h = FileHoles.open(sparse())) {
            assertEquals(3 * MIB, h.nextHole(2 * MIB));
        }
    }

    @Test
    void anOffsetInsideAHoleIsItsOwnNextHole() throws IOException {
        try (FileHoles h = FileHoles.open(sparse())) {
            assertEquals(MIB, h.nextHole(MIB));
        }
    }

    @Test
    void noDataPastTheEndOfTheFileIsMinusOne() throws IOException {
        try (FileHoles h = FileHoles.open(sparse())) {
            assertEquals(-1, h.nextData(8 * MIB));
            assertEquals(8 * MIB, h.nextHole(8 * MIB));
        }
    }

    @Test
    void aFullyWrittenFileIsOneDataRun() throws IOException {
        Path p = Files.write(dir.resolve("full.img"), new byte[(int) MIB]);
        try (FileHoles h = FileHoles.open(p)) {
            assertEquals(0, h.nextData(0));
            assertEquals(MIB, h.nextHole(0));
        }
    }

    @Test
    void aMissingFileIsRefusedNamingIt() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> FileHoles.open(dir.resolve("absent.img")));
        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void queriesAfterCloseAreRefused() throws IOException {
        FileHoles h = FileHoles.open(sparse());
        h.close();
        assertThrows(IllegalStateException.class, () -> h.nextData(0));
    }
}
