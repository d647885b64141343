package org.quasivm.disk.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.testing.DeviceBytes;
import org.quasivm.disk.testing.QemuImg;
import org.quasivm.disk.testing.RandomDisk;

class ConverterTest {
    private static final long SIZE = 9L * 1024 * 1024 + 7 * 512;

    @TempDir
    Path dir;

    static Stream<Arguments> targets() {
        return Stream.of(
                Arguments.of(ImageFormat.RAW, null, false, "raw", false),
                Arguments.of(ImageFormat.VMDK, "monolithicSparse", false, "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "monolithicFlat", false, "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "twoGbMaxExtentSparse", false, "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "twoGbMaxExtentFlat", false, "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "streamOptimized", false, "vmdk", true),
                Arguments.of(ImageFormat.VHD, "dynamic", false, "vpc", false),
                Arguments.of(ImageFormat.VHD, "fixed", false, "vpc", false),
                Arguments.of(ImageFormat.VDI, "dynamic", false, "vdi", true),
                Arguments.of(ImageFormat.VDI, "fixed", false, "vdi", true),
                Arguments.of(ImageFormat.QCOW2, "v3", false, "qcow2", true),
                Arguments.of(ImageFormat.QCOW2, "v2", false, "qcow2", true),
                Arguments.of(ImageFormat.QCOW2, "v3", true, "qcow2", true));
    }

    @ParameterizedTest(name = "raw to {0} {1} compressed={2}")
    @MethodSource("targets")
    void conversionFromRawMatchesItsSourceInQemu(ImageFormat format, String sub, boolean compress, String qemuFormat,
                                                 boolean qemuChecks) throws Exception {
        Path raw = dir.resolve("src.raw");
        byte[] content = RandomDisk.write(raw, SIZE, 21);
        Path out = dir.resolve("out." + format.id());
        ConvertOptions o = ConvertOptions.to(format, sub).withThreads(2);
        DiskImages.convert(raw, ImageFormat.RAW, out, compress ? o.compressed() : o, ProgressListener.NONE,
                Cancellation.NEVER);
        if (qemuChecks) {
            QemuImg.Result check = QemuImg.check(out, qemuFormat);
            assertEquals(0, check.exitCode(), check.output());
        }
        QemuImg.Result cmp = QemuImg.compareWithRaw(raw, out, qemuFormat);
        assertEquals(0, cmp.exitCode(), cmp.output());
        try (DiskImage d = DiskImages.open(out)) {
            assertEquals(SIZE, d.size());
            assertEquals(-1, DeviceBytes.firstDifference(content, DeviceBytes.readAll(d)));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    static Stream<Arguments> sources() {
        return Stream.of(Arguments.of("vmdk", "subformat=streamOptimized"), Arguments.of("vpc", "subformat=dynamic"),
                Arguments.of("vdi", ""), Arguments.of("qcow2", "compat=1.1"));
    }

    @ParameterizedTest(name = "{0} {1} to qcow2 and raw")
    @MethodSource("sources")
    void qemuImagesConvertToQcow2AndRawIdentically(String qemuFormat, String opts) throws Exception {
        Path raw = dir.resolve("src.raw");
        byte[] content = RandomDisk.write(raw, 4L << 20, 22);
        Path src = dir.resolve("src." + qemuFormat);
        QemuImg.convertFromRaw(raw, src, qemuFormat, opts);
        for (ImageFormat f : List.of(ImageFormat.QCOW2, ImageFormat.RAW)) {
            Path out = dir.resolve("out-" + f.id());
            DiskImages.convert(src, null, out, ConvertOptions.to(f, null), ProgressListener.NONE, Cancellation.NEVER);
            try (DiskImage d = DiskImages.open(out)) {
                assertEquals(-1, DeviceBytes.firstDifference(content, DeviceBytes.readAll(d)));
            }
        }
    }

    @Test
    void rawOutputKeepsTheSourceHoles() throws Exception {
        Path src = dir.resolve("src.qcow2");
        try (DiskImage d = DiskImages.create(src, org.quasivm.disk.CreateOptions.of(ImageFormat.QCOW2, 64L << 20))) {
            d.write(10L << 20, java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        Path out = dir.resolve("out.raw");
        DiskImages.convert(src, null, out, ConvertOptions.to(ImageFormat.RAW, null), ProgressListener.NONE,
                Cancellation.NEVER);
        assertEquals(64L << 20, Files.size(out));
        long blocks = Long.parseLong(QemuImg.run("stat", "-c", "%b", out.toString()).output().trim());
        assertTrue(blocks * 512 <= 64 * 1024, "allocated " + blocks * 512 + " bytes");
    }

    @Test
    void progressRisesToTheTotal() throws Exception {
        Path raw = dir.resolve("src.raw");
        RandomDisk.write(raw, SIZE, 23);
        List<long[]> calls = new ArrayList<>();
        DiskImages.convert(raw, ImageFormat.RAW, dir.resolve("o.vmdk"), ConvertOptions.to(ImageFormat.VMDK, null),
                (done, total) -> calls.add(new long[] {done, total}), Cancellation.NEVER);
        assertTrue(calls.size() > 1);
        for (int i = 1; i < calls.size(); i++) {
            assertTrue(calls.get(i)[0] >= calls.get(i - 1)[0]);
            assertEquals(SIZE, calls.get(i)[1]);
        }
        assertEquals(SIZE, calls.get(calls.size() - 1)[0]);
    }

    @Test
    void cancelledConversionLeavesNothingBehind() throws Exception {
        Path raw = dir.resolve("src.raw");
        RandomDisk.write(raw, SIZE, 24);
        Cancellation c = new Cancellation();
        Path out = dir.resolve("o.vmdk");
        assertThrows(Cancellation.Cancelled.class, () -> DiskImages.convert(raw, ImageFormat.RAW, out,
                ConvertOptions.to(ImageFormat.VMDK, "twoGbMaxExtentSparse"), (d, t) -> c.cancel(), c));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(raw), s.toList());
        }
    }

    @Test
    void existingDestinationIsRefusedBeforeAnyWork() throws Exception {
        Path raw = dir.resolve("src.raw");
        RandomDisk.write(raw, SIZE, 25);
        Path out = dir.resolve("o.qcow2");
        Files.writeString(out, "keep me");
        assertThrows(org.quasivm.disk.DiskImageException.class, () -> DiskImages.convert(raw, ImageFormat.RAW, out,
                ConvertOptions.to(ImageFormat.QCOW2, null), ProgressListener.NONE, Cancellation.NEVER));
        assertEquals("keep me", Files.readString(out));
    }

    @Test
    void streamOptimizedFromOneAndFromFourThreadsHoldTheSameData() throws Exception {
        Path raw = dir.resolve("src.raw");
        byte[] content = RandomDisk.write(raw, SIZE, 26);
        for (int threads : new int[] {1, 4}) {
            Path out = dir.resolve("t" + threads + ".vmdk");
            DiskImages.convert(raw, ImageFormat.RAW, out, ConvertOptions.to(ImageFormat.VMDK, "streamOptimized")
                    .withThreads(threads), ProgressListener.NONE, Cancellation.NEVER);
            try (DiskImage d = DiskImages.open(out)) {
                assertArrayEquals(content, DeviceBytes.readAll(d));
            }
        }
    }
}
