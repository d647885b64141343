package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quasivm.disk.testing.DeviceBytes;
import org.quasivm.disk.testing.QemuImg;
import org.quasivm.disk.testing.RandomDisk;
import org.quasivm.disk.testing.Writes;

/**
 * Images written through this module's API pass {@code qemu-img check} (where qemu-img can check the format)
 * and {@code qemu-img compare} against the raw data written, and read back identical through our own reader.
 */
class WrittenImagesPassQemuTest {
    private static final long SIZE = 9L * 1024 * 1024 + 7 * 512;

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(ImageFormat.VMDK, "monolithicSparse", "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "monolithicFlat", "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "twoGbMaxExtentSparse", "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "twoGbMaxExtentFlat", "vmdk", true),
                Arguments.of(ImageFormat.VMDK, "streamOptimized", "vmdk", true),
                Arguments.of(ImageFormat.VHD, "dynamic", "vpc", false),
                Arguments.of(ImageFormat.VHD, "fixed", "vpc", false),
                Arguments.of(ImageFormat.VDI, "dynamic", "vdi", true),
                Arguments.of(ImageFormat.VDI, "fixed", "vdi", true),
                Arguments.of(ImageFormat.QCOW2, "v2", "qcow2", true),
                Arguments.of(ImageFormat.QCOW2, "v3", "qcow2", true),
                Arguments.of(ImageFormat.RAW, "raw", "raw", false));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formats")
    void writtenImagePassesQemuCheckAndCompare(ImageFormat format, String subformat, String qemuFormat,
                                               boolean qemuChecks, @TempDir Path dir) throws Exception {
        Path raw = dir.resolve("src.raw");
        byte[] content = RandomDisk.write(raw, SIZE, 5);
        Path img = dir.resolve("out." + format.id());
        try (DiskImage d = DiskImages.create(img, CreateOptions.of(format, subformat, SIZE))) {
            if (subformat.equals("streamOptimized")) {
                Writes.sequential(d, content);
            } else {
                Writes.shuffled(d, content, 3);
            }
        }
        if (qemuChecks) {
            QemuImg.Result check = QemuImg.check(img, qemuFormat);
            assertEquals(0, check.exitCode(), check.output());
        }
        QemuImg.Result cmp = QemuImg.compareWithRaw(raw, img, qemuFormat);
        assertEquals(0, cmp.exitCode(), cmp.output());
        try (DiskImage d = DiskImages.open(img)) {
            assertEquals(subformat, d.subformat());
            assertEquals(SIZE, d.size());
            assertEquals(-1, DeviceBytes.firstDifference(content, DeviceBytes.readAll(d)));
        }
    }
}
