package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quasivm.disk.testing.QemuImg;
import org.quasivm.disk.testing.RandomDisk;
import org.quasivm.disk.testing.Writes;

/**
 * Images qemu-img made, then written through this module (what happens when a user runs a VM on a disk they
 * brought), still pass qemu-img check and hold exactly what was written. Includes qcow2 with 512-byte
 * clusters (forces refcount-table growth) and 1- and 64-bit refcounts.
 */
class QemuImagesModifiedTest {
    private static final long SIZE = 12L << 20;

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("vmdk", "subformat=monolithicSparse", true),
                Arguments.of("vmdk", "subformat=twoGbMaxExtentSparse", true),
                Arguments.of("vmdk", "subformat=monolithicFlat", true),
                Arguments.of("vpc", "subformat=dynamic", false),
                Arguments.of("vpc", "subformat=fixed", false),
                Arguments.of("vdi", "", true),
                Arguments.of("qcow2", "compat=0.10", true),
                Arguments.of("qcow2", "compat=1.1,lazy_refcounts=on", true),
                Arguments.of("qcow2", "cluster_size=512", true),
                Arguments.of("qcow2", "cluster_size=4096,refcount_bits=1", true),
                Arguments.of("qcow2", "refcount_bits=64", true));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("images")
    void qemuImageWrittenHereStaysValidForQemu(String qemuFormat, String options, boolean qemuChecks,
                                               @TempDir Path dir) throws Exception {
        Path img = dir.resolve("q." + qemuFormat);
        QemuImg.run("qemu-img", "create", "-q", "-f", qemuFormat, "-o", options.isEmpty() ? "size=" + SIZE
                : options + ",size=" + SIZE, img.toString()).requireSuccess();
        Path raw = dir.resolve("expected.raw");
        byte[] content = RandomDisk.write(raw, SIZE, 31);
        Path declaredRaw = dir.resolve("x");
        Files.deleteIfExists(declaredRaw);
        try (DiskImage d = DiskImages.open(img, OpenOptions.readWrite())) {
            assertEquals(SIZE, Math.min(SIZE, d.size()));
            Writes.shuffled(d, content, 17);
        }
        if (qemuChecks) {
            QemuImg.Result check = QemuImg.check(img, qemuFormat);
            assertEquals(0, check.exitCode(), check.output());
        }
        QemuImg.Result cmp = QemuImg.compareWithRaw(raw, img, qemuFormat);
        assertEquals(0, cmp.exitCode(), cmp.output());
    }
}
