package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quasivm.disk.testing.DeviceBytes;
import org.quasivm.disk.testing.QemuImg;
import org.quasivm.disk.testing.RandomDisk;

/** Every format and subformat qemu-img writes, made from a random raw disk with holes, reads back identical. */
class QemuMadeImagesReadBackTest {
    /** Not a multiple of 64 KiB or of a VHD CHS product: exercises partial last clusters and size rounding. */
    private static final long SIZE = 9L * 1024 * 1024 + 7 * 512;

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("vmdk", "subformat=monolithicSparse", ImageFormat.VMDK, "monolithicSparse"),
                Arguments.of("vmdk", "subformat=monolithicFlat", ImageFormat.VMDK, "monolithicFlat"),
                Arguments.of("vmdk", "subformat=twoGbMaxExtentSparse", ImageFormat.VMDK, "twoGbMaxExtentSparse"),
                Arguments.of("vmdk", "subformat=twoGbMaxExtentFlat", ImageFormat.VMDK, "twoGbMaxExtentFlat"),
                Arguments.of("vmdk", "subformat=streamOptimized", ImageFormat.VMDK, "streamOptimized"),
                Arguments.of("vpc", "subformat=dynamic", ImageFormat.VHD, "dynamic"),
                Arguments.of("vpc", "subformat=fixed", ImageFormat.VHD, "fixed"),
                Arguments.of("vpc", "subformat=dynamic,force_size=on", ImageFormat.VHD, "dynamic"),
                Arguments.of("vpc", "subformat=fixed,force_size=on", ImageFormat.VHD, "fixed"),
                Arguments.of("vdi", "", ImageFormat.VDI, "dynamic"),
                Arguments.of("vdi", "static=on", ImageFormat.VDI, "fixed"),
                Arguments.of("qcow2", "compat=0.10", ImageFormat.QCOW2, "v2"),
                Arguments.of("qcow2", "compat=1.1", ImageFormat.QCOW2, "v3"),
                Arguments.of("qcow2", "compat=1.1,cluster_size=4096,refcount_bits=1", ImageFormat.QCOW2, "v3"),
                Arguments.of("qcow2", "compat=1.1,compress", ImageFormat.QCOW2, "v3"),
                Arguments.of("qcow2", "compat=0.10,compress", ImageFormat.QCOW2, "v2"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("images")
    void qemuImageReadsBackIdenticalToItsRawSource(String qemuFormat, String options, ImageFormat format,
                                                   String subformat, @TempDir Path dir) throws Exception {
        Path raw = dir.resolve("src.raw");
        byte[] content = RandomDisk.write(raw, SIZE, 42);
        Path img = dir.resolve("img." + qemuFormat);
        boolean compress = options.contains("compress");
        String opts = options.replace(",compress", "");
        if (compress) {
            QemuImg.convertFromRaw(raw, img, qemuFormat, opts, "-c");
        } else {
            QemuImg.convertFromRaw(raw, img, qemuFormat, opts);
        }
        try (DiskImage d = DiskImages.open(img)) {
            assertEquals(format, d.format());
            assertEquals(subformat, d.subformat());
            assertTrue(d.size() >= SIZE, "size " + d.size());
            byte[] back = DeviceBytes.readAll(d);
            assertEquals(-1, DeviceBytes.firstDifference(content, back), "first difference");
        }
    }
}
