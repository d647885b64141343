package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quasivm.disk.testing.DeviceBytes;
import org.quasivm.disk.testing.QemuImg;
import org.quasivm.disk.testing.RandomDisk;

/** Parent chains: qemu-made chains read here, chains made here read in qemu, commit/rebase/flatten. */
class ChainInteropTest {
    private static final long SIZE = 6L * 1024 * 1024;

    @TempDir
    Path dir;

    private byte[] qemuRaw(Path image, String format) throws IOException {
        Path out = dir.resolve("oracle-" + image.getFileName() + ".raw");
        QemuImg.run("qemu-img", "convert", "-f", format, "-O", "raw", image.toString(), out.toString())
                .requireSuccess();
        return Files.readAllBytes(out);
    }

    private static byte[] readAll(Path image) throws IOException {
        try (DiskImage d = DiskImages.open(image)) {
            return DeviceBytes.readAll(d);
        }
    }

    /** Writes random pieces through the API and applies them to {@code expected}. */
    private static void scribble(DiskImage d, byte[] expected, long seed) throws IOException {
        Random r = new Random(seed);
        for (int i = 0; i < 40; i++) {
            int len = 1 + r.nextInt(150_000);
            int off = r.nextInt(expected.length - len);
            byte[] b = new byte[len];
            r.nextBytes(b);
            if (i % 7 == 0) {
                java.util.Arrays.fill(b, (byte) 0);
            }
            d.write(off, ByteBuffer.wrap(b));
            System.arraycopy(b, 0, expected, off, len);
        }
    }

    @Test
    void qemuQcow2OverlayOfQcow2ReadsLikeQemu() throws Exception {
        Path raw = dir.resolve("base.raw");
        RandomDisk.write(raw, SIZE, 1);
        Path base = dir.resolve("base.qcow2");
        QemuImg.convertFromRaw(raw, base, "qcow2", "");
        Path top = dir.resolve("top.qcow2");
        QemuImg.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top.toString())
                .requireSuccess();
        QemuImg.io(top, "qcow2", "write -P 0x5a 1000k 300k").requireSuccess();
        QemuImg.io(top, "qcow2", "write -z 3M 128k").requireSuccess();
        assertArrayEquals(qemuRaw(top, "qcow2"), readAll(top));
    }

    @Test
    void qemuQcow2OverlayOfRawNeverProbesTheRawBase() throws Exception {
        Path base = dir.resolve("base.img");
        RandomDisk.write(base, SIZE, 2);
        Path top = dir.resolve("top.qcow2");
        QemuImg.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.img", "-F", "raw", top.toString())
                .requireSuccess();
        QemuImg.io(top, "qcow2", "write -P 0x11 64k 64k").requireSuccess();
        try (DiskImage d = DiskImages.open(top)) {
            assertEquals(ImageFormat.RAW, d.backing().format());
        }
        assertArrayEquals(qemuRaw(top, "qcow2"), readAll(top));
    }

    @Test
    void qemuVmdkChildReadsLikeQemu() throws Exception {
        Path raw = dir.resolve("base.raw");
        RandomDisk.write(raw, SIZE, 3);
        Path base = dir.resolve("base.vmdk");
        QemuImg.convertFromRaw(raw, base, "vmdk", "");
        Path child = dir.resolve("child.vmdk");
        QemuImg.run("qemu-img", "create", "-q", "-f", "vmdk", "-b", "base.vmdk", "-F", "vmdk", child.toString())
                .requireSuccess();
        QemuImg.io(child, "vmdk", "write -P 0x77 100k 200k").requireSuccess();
        try (DiskImage d = DiskImages.open(child)) {
            assertEquals("base.vmdk", d.parentLink().reference());
        }
        assertArrayEquals(qemuRaw(child, "vmdk"), readAll(child));
    }

    static Stream<Arguments> bases() {
        return Stream.of(
                Arguments.of(ImageFormat.RAW, "raw"),
                Arguments.of(ImageFormat.VMDK, "monolithicSparse"),
                Arguments.of(ImageFormat.VHD, "dynamic"),
                Arguments.of(ImageFormat.VDI, "dynamic"),
                Arguments.of(ImageFormat.QCOW2, "v3"));
    }

    private byte[] makeBase(Path base, ImageFormat f, String sub) throws IOException {
        byte[] content = new byte[(int) SIZE];
        try (DiskImage d = DiskImages.create(base, CreateOptions.of(f, sub, SIZE))) {
            scribble(d, content, 99);
        }
        return content;
    }

    @ParameterizedTest(name = "qcow2 over {0}")
    @MethodSource("bases")
    void ourQcow2OverlayReadsIdenticallyInQemu(ImageFormat baseFormat, String sub) throws Exception {
        Path base = dir.resolve("base." + baseFormat.id());
        byte[] expected = makeBase(base, baseFormat, sub);
        Path top = dir.resolve("top.qcow2");
        try (DiskImage d = DiskImages.create(top, CreateOptions.childOf(ImageFormat.QCOW2, base))) {
            scribble(d, expected, 7);
        }
        assertArrayEquals(expected, readAll(top));
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, expected);
        QemuImg.Result cmp = QemuImg.compareWithRaw(raw, top, "qcow2");
        assertEquals(0, cmp.exitCode(), cmp.output());
        assertEquals(0, QemuImg.check(top, "qcow2").exitCode());
    }

    @Test
    void ourVmdkChildReadsIdenticallyInQemu() throws Exception {
        Path base = dir.resolve("base.vmdk");
        byte[] expected = makeBase(base, ImageFormat.VMDK, "monolithicSparse");
        Path child = dir.resolve("child.vmdk");
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(ImageFormat.VMDK, base))) {
            scribble(d, expected, 8);
        }
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, expected);
        QemuImg.Result cmp = QemuImg.compareWithRaw(raw, child, "vmdk");
        assertEquals(0, cmp.exitCode(), cmp.output());
        assertArrayEquals(expected, readAll(child));
    }

    @Test
    void ourVhdDifferencingChildReadsThroughToItsParent() throws Exception {
        Path base = dir.resolve("base.vhd");
        byte[] expected = makeBase(base, ImageFormat.VHD, "dynamic");
        Path child = dir.resolve("child.vhd");
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(ImageFormat.VHD, base))) {
            assertEquals("differencing", d.subformat());
            scribble(d, expected, 9);
        }
        assertArrayEquals(expected, readAll(child));
    }

    static Stream<Arguments> committable() {
        return Stream.of(Arguments.of(ImageFormat.QCOW2, ImageFormat.QCOW2),
                Arguments.of(ImageFormat.VMDK, ImageFormat.VMDK),
                Arguments.of(ImageFormat.VHD, ImageFormat.VHD),
                Arguments.of(ImageFormat.QCOW2, ImageFormat.RAW));
    }

    @ParameterizedTest(name = "{0} child into {1}")
    @MethodSource("committable")
    void commitMergesTheChildIntoItsParentAndEmptiesIt(ImageFormat childFormat, ImageFormat baseFormat)
            throws Exception {
        Path base = dir.resolve("base." + baseFormat.id());
        byte[] expected = makeBase(base, baseFormat, null);
        Path child = dir.resolve("child." + childFormat.id());
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(childFormat, base))) {
            scribble(d, expected, 10);
        }
        DiskImages.commit(child, null, true, ProgressListener.NONE, Cancellation.NEVER);
        assertArrayEquals(expected, readAll(base));
        assertArrayEquals(expected, readAll(child));
        try (DiskImage d = DiskImages.open(child)) {
            assertEquals(0, d.allocatedBytes());
        }
    }

    @Test
    void commitWithoutEmptyingKeepsAVmdkChildValid() throws Exception {
        Path base = dir.resolve("base.vmdk");
        byte[] expected = makeBase(base, ImageFormat.VMDK, "monolithicSparse");
        Path child = dir.resolve("child.vmdk");
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(ImageFormat.VMDK, base))) {
            scribble(d, expected, 11);
        }
        DiskImages.commit(child, null, false, ProgressListener.NONE, Cancellation.NEVER);
        assertArrayEquals(expected, readAll(child));
        assertArrayEquals(expected, readAll(base));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committable")
    void safeRebaseOntoAnotherParentKeepsTheChildsView(ImageFormat childFormat, ImageFormat baseFormat)
            throws Exception {
        Path base1 = dir.resolve("base1." + baseFormat.id());
        byte[] expected = makeBase(base1, baseFormat, null);
        Path base2 = dir.resolve("base2." + baseFormat.id());
        makeBase(base2, baseFormat, null);
        try (DiskImage d = DiskImages.open(base2, OpenOptions.readWrite())) {
            d.write(12345, ByteBuffer.wrap(new byte[70000]));
        }
        Path child = dir.resolve("child." + childFormat.id());
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(childFormat, base1))) {
            scribble(d, expected, 12);
        }
        DiskImages.rebase(child, null, base2, null, false, ProgressListener.NONE, Cancellation.NEVER);
        try (DiskImage d = DiskImages.open(child)) {
            assertEquals(base2.toRealPath(), d.backing().path().toRealPath());
        }
        assertArrayEquals(expected, readAll(child));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committable")
    void flattenMakesTheChildStandaloneWithTheSameContents(ImageFormat childFormat, ImageFormat baseFormat)
            throws Exception {
        Path base = dir.resolve("base." + baseFormat.id());
        byte[] expected = makeBase(base, baseFormat, null);
        Path child = dir.resolve("child." + childFormat.id());
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(childFormat, base))) {
            scribble(d, expected, 13);
        }
        DiskImages.flatten(child, null, ProgressListener.NONE, Cancellation.NEVER);
        Files.delete(base);
        try (DiskImage d = DiskImages.open(child)) {
            assertNull(d.parentLink());
            assertArrayEquals(expected, DeviceBytes.readAll(d));
        }
    }

    @Test
    void aChainStillOpensAfterItsFolderIsMoved() throws Exception {
        Path a = Files.createDirectories(dir.resolve("vm-a/disks"));
        Path base = a.resolve("base.vmdk");
        byte[] expected = makeBase(base, ImageFormat.VMDK, "monolithicSparse");
        Files.createDirectories(a.resolve("snapshots"));
        Path child = a.resolve("snapshots/s1.qcow2");
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(ImageFormat.QCOW2, base))) {
            scribble(d, expected, 14);
            assertEquals("../base.vmdk", d.parentLink().reference());
        }
        Path moved = dir.resolve("vm-b");
        Files.move(dir.resolve("vm-a"), moved);
        Path movedChild = moved.resolve("disks/snapshots/s1.qcow2");
        try (DiskImage d = DiskImages.open(movedChild)) {
            assertNotNull(d.backing());
            assertArrayEquals(expected, DeviceBytes.readAll(d));
        }
    }
}
