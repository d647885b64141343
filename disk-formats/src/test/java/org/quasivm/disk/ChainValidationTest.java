package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.testing.QemuImg;

/** Chain validation and probing: every broken chain is refused with a message naming the file and the problem. */
class ChainValidationTest {
    private static final long SIZE = 2L << 20;

    @TempDir
    Path dir;

    private Path create(String name, ImageFormat f) throws Exception {
        Path p = dir.resolve(name);
        DiskImages.create(p, CreateOptions.of(f, SIZE)).close();
        return p;
    }

    private Path child(String name, ImageFormat f, Path parent) throws Exception {
        Path p = dir.resolve(name);
        DiskImages.create(p, CreateOptions.childOf(f, parent)).close();
        return p;
    }

    @Test
    void missingParentIsNamedWithWhereItWasLookedFor() throws Exception {
        Path base = create("base.qcow2", ImageFormat.QCOW2);
        Path top = child("top.qcow2", ImageFormat.QCOW2, base);
        Files.delete(base);
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.open(top));
        assertTrue(e.getMessage().startsWith("top.qcow2: parent \"base.qcow2\" not found"), e.getMessage());
    }

    @Test
    void infoReportsAMissingParentAsAWarning() throws Exception {
        Path base = create("base.qcow2", ImageFormat.QCOW2);
        Path top = child("top.qcow2", ImageFormat.QCOW2, base);
        Files.delete(base);
        ImageInfo info = DiskImages.info(top);
        assertEquals("base.qcow2", info.parentReference());
        assertNull(info.parent());
        assertTrue(info.warnings().get(0).contains("not found"), info.warnings().toString());
    }

    @Test
    void vmdkChildOfAModifiedParentIsRefusedByCid() throws Exception {
        Path base = create("base.vmdk", ImageFormat.VMDK);
        Path top = child("top.vmdk", ImageFormat.VMDK, base);
        try (DiskImage d = DiskImages.open(base, OpenOptions.readWrite())) {
            d.write(0, ByteBuffer.wrap(new byte[] {1}));
        }
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.open(top));
        assertTrue(e.getMessage().startsWith("top.vmdk: parent base.vmdk was modified after this child was made"),
                e.getMessage());
    }

    @Test
    void vhdChildOfAReplacedParentIsRefusedByUuid() throws Exception {
        Path base = create("base.vhd", ImageFormat.VHD);
        Path top = child("top.vhd", ImageFormat.VHD, base);
        Files.delete(base);
        create("base.vhd", ImageFormat.VHD);
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.open(top));
        assertTrue(e.getMessage().contains("is not the disk this child was made from"), e.getMessage());
    }

    @Test
    void cyclicChainIsRefused() throws Exception {
        QemuImg.run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "b.qcow2", "-F", "qcow2",
                dir.resolve("a.qcow2").toString(), "2M").requireSuccess();
        QemuImg.run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "a.qcow2", "-F", "qcow2",
                dir.resolve("b.qcow2").toString(), "2M").requireSuccess();
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.open(dir.resolve("a.qcow2")));
        assertTrue(e.getMessage().startsWith("b.qcow2: parent chain loops back to a.qcow2"), e.getMessage());
    }

    @Test
    void chainDeeperThanTheLimitIsRefused() throws Exception {
        Path p = create("l0.qcow2", ImageFormat.QCOW2);
        for (int i = 1; i <= 4; i++) {
            p = child("l" + i + ".qcow2", ImageFormat.QCOW2, p);
        }
        Path top = p;
        DiskImageException e = assertThrows(DiskImageException.class,
                () -> DiskImages.open(top, OpenOptions.readOnly().withMaxChainDepth(3)));
        assertTrue(e.getMessage().startsWith("l4.qcow2: parent chain is deeper than 3 images"), e.getMessage());
        DiskImages.open(top, OpenOptions.readOnly().withMaxChainDepth(4)).close();
    }

    @Test
    void vmdkChildOfAQcow2ParentIsRefusedAtCreation() throws Exception {
        Path base = create("base.qcow2", ImageFormat.QCOW2);
        DiskImageException e = assertThrows(DiskImageException.class,
                () -> child("top.vmdk", ImageFormat.VMDK, base));
        assertTrue(e.getMessage().startsWith("top.vmdk: a VMDK child needs a VMDK parent"), e.getMessage());
    }

    @Test
    void formatIsProbedByMagicNotByExtension() throws Exception {
        Path q = create("q.qcow2", ImageFormat.QCOW2);
        Path misnamed = dir.resolve("disk.vmdk");
        Files.move(q, misnamed);
        try (DiskImage d = DiskImages.open(misnamed)) {
            assertEquals(ImageFormat.QCOW2, d.format());
        }
    }

    @Test
    void fileDeclaredRawIsNeverReinterpreted() throws Exception {
        Path q = create("q.qcow2", ImageFormat.QCOW2);
        byte[] bytes = Files.readAllBytes(q);
        Path raw = dir.resolve("guest-disk.img");
        Files.write(raw, bytes);
        try (DiskImage d = DiskImages.open(raw, OpenOptions.readOnly().withFormat(ImageFormat.RAW))) {
            assertEquals(ImageFormat.RAW, d.format());
            assertEquals(bytes.length, d.size());
            ByteBuffer b = ByteBuffer.allocate(4);
            d.read(0, b);
            assertEquals(0x514649fb, b.getInt(0));
        }
    }

    @Test
    void secondWriterOfTheSameImageIsRefused() throws Exception {
        Path p = create("d.qcow2", ImageFormat.QCOW2);
        try (DiskImage first = DiskImages.open(p, OpenOptions.readWrite())) {
            DiskImageException e = assertThrows(DiskImageException.class,
                    () -> DiskImages.open(p, OpenOptions.readWrite()));
            assertTrue(e.getMessage().startsWith("d.qcow2: in use"), e.getMessage());
        }
    }
}
