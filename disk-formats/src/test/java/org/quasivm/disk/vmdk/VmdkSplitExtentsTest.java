package org.quasivm.disk.vmdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.testing.QemuImg;

/** Split (twoGbMaxExtent) VMDKs larger than one extent: reads and writes across extent boundaries. */
class VmdkSplitExtentsTest {
    private static final long SIZE = 5L << 30;
    private static final long[] OFFSETS = {0, (2L << 30) - 40_000, (2L << 30) + 40_000, 4192256L * 512 - 1000,
        (4L << 30) + 12345, SIZE - 70_000};

    private static byte[] pattern(int i) {
        byte[] b = new byte[70_000];
        Arrays.fill(b, (byte) (0x31 + i));
        b[0] = (byte) i;
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"twoGbMaxExtentSparse", "twoGbMaxExtentFlat"})
    void qemuSplitImageReadsAcrossExtentBoundaries(String sub, @TempDir Path dir) throws Exception {
        Path img = dir.resolve("q.vmdk");
        QemuImg.run("qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=" + sub, img.toString(), "5G")
                .requireSuccess();
        for (int i = 0; i < OFFSETS.length; i++) {
            QemuImg.io(img, "vmdk", "write -P 0x" + Integer.toHexString(0x31 + i) + " " + OFFSETS[i] + " 70000")
                    .requireSuccess();
        }
        try (DiskImage d = DiskImages.open(img)) {
            assertEquals(SIZE, d.size());
            for (int i = 0; i < OFFSETS.length; i++) {
                ByteBuffer b = ByteBuffer.allocate(70_000);
                d.read(OFFSETS[i], b);
                byte[] expected = new byte[70_000];
                Arrays.fill(expected, (byte) (0x31 + i));
                assertArrayEquals(expected, b.array(), "at " + OFFSETS[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"twoGbMaxExtentSparse", "twoGbMaxExtentFlat"})
    void ourSplitImageWrittenAcrossBoundariesComparesEqualInQemu(String sub, @TempDir Path dir) throws Exception {
        Path img = dir.resolve("o.vmdk");
        Path raw = dir.resolve("o.raw");
        try (FileChannel r = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             DiskImage d = DiskImages.create(img, CreateOptions.of(ImageFormat.VMDK, sub, SIZE))) {
            r.write(ByteBuffer.allocate(1), SIZE - 1);
            for (int i = 0; i < OFFSETS.length; i++) {
                d.write(OFFSETS[i], ByteBuffer.wrap(pattern(i)));
                r.write(ByteBuffer.wrap(pattern(i)), OFFSETS[i]);
            }
            assertEquals(3, d.files().size() - 1);
        }
        assertEquals(0, QemuImg.check(img, "vmdk").exitCode());
        QemuImg.Result cmp = QemuImg.compareWithRaw(raw, img, "vmdk");
        assertEquals(0, cmp.exitCode(), cmp.output());
    }
}
