package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.testing.DeviceBytes;
import org.quasivm.disk.testing.QemuImg;
import org.quasivm.disk.testing.SpecImages;

/**
 * Damaged images: each gives a clear error naming the file and the problem (on open, on read, and in
 * {@code check}), never an OutOfMemoryError, a hang or a write outside the image.
 */
class DamagedImagesTest {
    @TempDir
    Path dir;
    private Path raw;

    @BeforeEach
    void source() throws IOException {
        raw = dir.resolve("src.raw");
        byte[] b = new byte[4 << 20];
        System.arraycopy(SpecImages.pattern(2 << 20, 1), 0, b, 0, 2 << 20);
        Files.write(raw, b);
    }

    private Path qemu(String name, String format, String opts, String... extra) {
        Path p = dir.resolve(name);
        QemuImg.convertFromRaw(raw, p, format, opts, extra);
        return p;
    }

    private static ByteBuffer read(Path p, long at, int len, ByteOrder order) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(len).order(order);
            ch.read(b, at);
            return b.flip();
        }
    }

    private static void patch(Path p, long at, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(bytes, at);
        }
    }

    private static ByteBuffer le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
    }

    private static ByteBuffer le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
    }

    private static ByteBuffer be32(int v) {
        return ByteBuffer.allocate(4).putInt(0, v);
    }

    private static ByteBuffer be64(long v) {
        return ByteBuffer.allocate(8).putLong(0, v);
    }

    private static void truncate(Path p, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** Fixes a VHD checksum after a patch (footer: length 512 at 64; dynamic header: 1024 at 36). */
    private static void fixVhdChecksum(Path p, long at, int length, int checksumAt) throws IOException {
        ByteBuffer b = read(p, at, length, ByteOrder.BIG_ENDIAN);
        b.putInt(checksumAt, 0);
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += b.get(i) & 0xff;
        }
        patch(p, at + checksumAt, be32(~sum));
    }

    /** Opening (or, when opening succeeds, reading everything) fails with a message naming file and problem. */
    private static void assertFails(Path p, ImageFormat declared, String fragment) throws IOException {
        DiskImageException e = assertThrows(DiskImageException.class, () -> {
            try (DiskImage d = DiskImages.open(p, OpenOptions.readOnly().withFormat(declared))) {
                DeviceBytes.readAll(d);
            }
        });
        String name = p.getFileName().toString();
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        CheckReport r = DiskImages.check(p, declared, true);
        assertTrue(r.hasErrors(), r.toString());
        assertTrue(r.problems().stream().anyMatch(x -> x.message().contains(fragment)), r.toString());
    }

    // ---- VMDK -------------------------------------------------------------------------------------

    private long vmdkGrainTable(Path p) throws IOException {
        long gd = read(p, 56, 8, ByteOrder.LITTLE_ENDIAN).getLong(0);
        return (read(p, gd * 512, 4, ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL) * 512;
    }

    @Test
    void truncatedVmdkHeader() throws Exception {
        Path p = qemu("t.vmdk", "vmdk", "");
        truncate(p, 300);
        assertFails(p, null, "file ends at offset 300 inside the sparse extent header");
    }

    @Test
    void truncatedVmdkLosesItsGrains() throws Exception {
        Path p = qemu("t.vmdk", "vmdk", "");
        truncate(p, Files.size(p) / 2);
        assertFails(p, null, "past the end of the file");
    }

    @Test
    void vmdkGrainTablePointingPastTheEnd() throws Exception {
        Path p = qemu("g.vmdk", "vmdk", "");
        patch(p, vmdkGrainTable(p) + 4 * 3, le32(0x7fffffff));
        assertFails(p, null, "grain table 0 points past the end of the file (entry 3)");
    }

    @Test
    void vmdkGrainTablePointingIntoMetadata() throws Exception {
        Path p = qemu("g.vmdk", "vmdk", "");
        patch(p, vmdkGrainTable(p), le32(2));
        assertFails(p, null, "grain table 0 entry 0 points into metadata");
    }

    @Test
    void vmdkAbsurdCapacity() throws Exception {
        Path p = qemu("c.vmdk", "vmdk", "");
        patch(p, 12, le64(1L << 62));
        assertFails(p, null, "capacity 4611686018427387904 sectors is out of range");
    }

    @Test
    void vmdkZeroGrainSize() throws Exception {
        Path p = qemu("z.vmdk", "vmdk", "");
        patch(p, 20, le64(0));
        assertFails(p, null, "grain size 0 sectors is not a power of two");
    }

    @Test
    void vmdkOverflowingGrainDirectoryOffset() throws Exception {
        Path p = qemu("o.vmdk", "vmdk", "");
        patch(p, 56, le64(Long.MAX_VALUE));
        assertFails(p, null, "grain directory offset 9223372036854775807 is out of range");
    }

    @Test
    void vmdkOverflowingDescriptorOffset() throws Exception {
        Path p = qemu("o.vmdk", "vmdk", "");
        patch(p, 28, le64(1L << 60));
        assertFails(p, null, "descriptor offset 1152921504606846976 is out of range");
    }

    @Test
    void vmdkAbsurdGrainTableSize() throws Exception {
        Path p = qemu("n.vmdk", "vmdk", "");
        patch(p, 44, le32(-1));
        assertFails(p, null, "entries per grain table");
    }

    @Test
    void vmdkAbsurdDescriptorSize() throws Exception {
        Path p = qemu("d.vmdk", "vmdk", "");
        patch(p, 36, le64(Integer.MAX_VALUE));
        assertFails(p, null, "descriptor size 2147483647 sectors is out of range");
    }

    @Test
    void vmdkDeclaredButWithoutMagic() throws Exception {
        Path p = qemu("m.vmdk", "vmdk", "");
        patch(p, 0, le32(0));
        assertFails(p, ImageFormat.VMDK, "neither a sparse extent nor a descriptor");
    }

    @Test
    void streamOptimizedGrainThatDoesNotDecompress() throws Exception {
        Path p = qemu("s.vmdk", "vmdk", "subformat=streamOptimized");
        long grain = 128 * 512; // qemu puts the first grain right after the 128-sector overhead
        patch(p, grain + 12 + 2, ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, 0x13, 0x37, 0, 0, 0}));
        assertFails(p, null, "does not decompress");
    }

    // ---- VHD --------------------------------------------------------------------------------------

    @Test
    void vhdWithBothFootersDamaged() throws Exception {
        Path p = qemu("f.vhd", "vpc", "");
        patch(p, Files.size(p) - 512 + 40, be64(12345));
        patch(p, 40, be64(12345));
        assertFails(p, ImageFormat.VHD, "footer checksum mismatch");
    }

    @Test
    void vhdWithOnlyTheEndFooterDamagedOpensFromTheCopy() throws Exception {
        Path p = qemu("f.vhd", "vpc", "");
        patch(p, Files.size(p) - 512 + 40, be64(12345));
        try (DiskImage d = DiskImages.open(p, OpenOptions.readOnly().withFormat(ImageFormat.VHD))) {
            assertTrue(d.size() >= Files.size(raw));
            assertTrue(d.warnings().get(0).contains("using the copy at offset 0"));
        }
    }

    @Test
    void vhdBlockTablePointingPastTheEnd() throws Exception {
        Path p = qemu("b.vhd", "vpc", "");
        long bat = read(p, 512 + 16, 8, ByteOrder.BIG_ENDIAN).getLong(0);
        patch(p, bat, be32(0x7ffffff0));
        assertFails(p, null, "block allocation table entry 0 points past the end of the file");
    }

    @Test
    void vhdBlockTablePointingIntoMetadata() throws Exception {
        Path p = qemu("b.vhd", "vpc", "");
        long bat = read(p, 512 + 16, 8, ByteOrder.BIG_ENDIAN).getLong(0);
        patch(p, bat, be32(1));
        assertFails(p, null, "block allocation table entry 0 points into metadata");
    }

    @Test
    void vhdAbsurdBlockTableSize() throws Exception {
        Path p = qemu("m.vhd", "vpc", "");
        patch(p, 512 + 28, be32(-1));
        fixVhdChecksum(p, 512, 1024, 36);
        assertFails(p, null, "block allocation table has 4294967295 entries");
    }

    @Test
    void vhdAbsurdBlockSize() throws Exception {
        Path p = qemu("s.vhd", "vpc", "");
        patch(p, 512 + 32, be32(3));
        fixVhdChecksum(p, 512, 1024, 36);
        assertFails(p, null, "block size 3 is not a power of two");
    }

    @Test
    void vhdOverflowingBlockTableOffset() throws Exception {
        Path p = qemu("o.vhd", "vpc", "");
        patch(p, 512 + 16, be64(-512));
        fixVhdChecksum(p, 512, 1024, 36);
        assertFails(p, null, "block allocation table offset 18446744073709551104 is out of range");
    }

    @Test
    void truncatedFixedVhdDeclaredAsVhd() throws Exception {
        Path p = qemu("t.vhd", "vpc", "subformat=fixed");
        truncate(p, Files.size(p) - 1000);
        assertFails(p, ImageFormat.VHD, "footer has no \"conectix\" cookie");
    }

    // ---- VDI --------------------------------------------------------------------------------------

    @Test
    void vdiAbsurdBlockCount() throws Exception {
        Path p = qemu("c.vdi", "vdi", "");
        patch(p, 0x180, le32(-1));
        assertFails(p, null, "block map has 4294967295 entries");
    }

    @Test
    void vdiBlockMapPointingPastTheEnd() throws Exception {
        Path p = qemu("m.vdi", "vdi", "");
        long map = read(p, 0x154, 4, ByteOrder.LITTLE_ENDIAN).getInt(0);
        patch(p, map, le32(3));
        assertFails(p, null, "block map entry 0 points past the end of the file");
    }

    @Test
    void vdiAbsurdDiskSize() throws Exception {
        Path p = qemu("s.vdi", "vdi", "");
        patch(p, 0x170, le64(-4096));
        assertFails(p, null, "disk size 18446744073709547520 is out of range");
    }

    @Test
    void vdiBlockMapOverlappingTheData() throws Exception {
        Path p = qemu("o.vdi", "vdi", "");
        patch(p, 0x158, le32(0x200));
        assertFails(p, null, "overlaps the header or the data area");
    }

    // ---- qcow2 ------------------------------------------------------------------------------------

    private long l2Offset(Path p) throws IOException {
        long l1 = read(p, 40, 8, ByteOrder.BIG_ENDIAN).getLong(0);
        return read(p, l1, 8, ByteOrder.BIG_ENDIAN).getLong(0) & 0x00fffffffffffe00L;
    }

    @Test
    void qcow2AbsurdL1Size() throws Exception {
        Path p = qemu("l.qcow2", "qcow2", "");
        patch(p, 36, be32(Integer.MAX_VALUE));
        assertFails(p, null, "L1 table of 2147483647 entries exceeds 32 MiB");
    }

    @Test
    void qcow2AbsurdClusterSize() throws Exception {
        Path p = qemu("c.qcow2", "qcow2", "");
        patch(p, 20, be32(40));
        assertFails(p, null, "cluster size 2^40 is outside 512 bytes .. 2 MiB");
    }

    @Test
    void qcow2OverflowingL1Offset() throws Exception {
        Path p = qemu("o.qcow2", "qcow2", "");
        patch(p, 40, be64(0xfffffffffffe0000L));
        assertFails(p, null, "L1 table offset");
    }

    @Test
    void qcow2L1EntryPastTheEnd() throws Exception {
        Path p = qemu("e.qcow2", "qcow2", "");
        long l1 = read(p, 40, 8, ByteOrder.BIG_ENDIAN).getLong(0);
        patch(p, l1, be64((1L << 63) | (1L << 40)));
        assertFails(p, null, "L1 entry 0 points past the end of the file");
    }

    @Test
    void qcow2L2EntryPastTheEnd() throws Exception {
        Path p = qemu("e.qcow2", "qcow2", "");
        patch(p, l2Offset(p) + 8 * 5, be64((1L << 63) | (1L << 40)));
        assertFails(p, null, "L2 table 0 entry 5 points past the end of the file");
    }

    @Test
    void qcow2AbsurdRefcountTable() throws Exception {
        Path p = qemu("r.qcow2", "qcow2", "");
        patch(p, 56, be32(Integer.MAX_VALUE));
        assertFails(p, null, "refcount table of 2147483647 clusters is out of range");
    }

    @Test
    void qcow2AbsurdBackingFileName() throws Exception {
        Path p = qemu("b.qcow2", "qcow2", "");
        patch(p, 8, be64(512));
        patch(p, 16, be32(5000));
        assertFails(p, null, "backing file name (offset 512, 5000 bytes) is out of range");
    }

    @Test
    void qcow2HeaderExtensionRunningPastTheHeader() throws Exception {
        Path p = qemu("x.qcow2", "qcow2", "compat=1.1");
        int headerLength = read(p, 100, 4, ByteOrder.BIG_ENDIAN).getInt(0);
        patch(p, headerLength, be32(0x12345678));
        patch(p, headerLength + 4, be32(0x7fffffff));
        assertFails(p, null, "header extension 12345678");
    }

    @Test
    void qcow2AbsurdVirtualSize() throws Exception {
        Path p = qemu("s.qcow2", "qcow2", "");
        patch(p, 24, be64(1L << 62));
        assertFails(p, null, "virtual size 4611686018427387904 is out of range");
    }

    @Test
    void qcow2CompressedClusterThatDoesNotDecompress() throws Exception {
        byte[] text = "compressible text ".repeat(300_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(raw, java.util.Arrays.copyOf(text, 4 << 20));
        Path p = qemu("z.qcow2", "qcow2", "", "-c");
        long e = read(p, l2Offset(p), 8, ByteOrder.BIG_ENDIAN).getLong(0);
        long host = e & ((1L << 54) - 1);
        patch(p, host, ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x13, 0x37}));
        assertFails(p, null, "does not decompress");
    }

    // ---- writes never leave the image -------------------------------------------------------------

    @Test
    void writeThroughADamagedVmdkGrainTableFailsWithoutGrowingTheFile() throws Exception {
        Path p = qemu("w.vmdk", "vmdk", "");
        patch(p, vmdkGrainTable(p), le32(0x7fffffff));
        long before = Files.size(p);
        try (DiskImage d = DiskImages.open(p, OpenOptions.readWrite())) {
            assertThrows(DiskImageException.class, () -> d.write(0, ByteBuffer.allocate(4096)));
        }
        assertEquals(before, Files.size(p));
    }

    @Test
    void writeThroughADamagedQcow2L2TableFailsWithoutGrowingTheFile() throws Exception {
        Path p = qemu("w.qcow2", "qcow2", "");
        patch(p, l2Offset(p) + 8, be64((1L << 63) | (1L << 40)));
        long before = Files.size(p);
        try (DiskImage d = DiskImages.open(p, OpenOptions.readWrite())) {
            assertThrows(DiskImageException.class, () -> d.write(65536, ByteBuffer.allocate(4096)));
        }
        assertEquals(before, Files.size(p));
    }

    @Test
    void checkOfAHealthyImageIsClean() throws Exception {
        for (String f : new String[] {"vmdk", "vpc", "vdi", "qcow2"}) {
            Path p = qemu("ok." + f, f, "");
            CheckReport r = DiskImages.check(p, null, true);
            assertTrue(r.clean(), r.toString());
            assertFalse(r.hasErrors());
        }
    }
}
