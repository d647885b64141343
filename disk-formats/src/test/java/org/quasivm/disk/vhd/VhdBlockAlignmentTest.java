package org.quasivm.disk.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;
import org.quasivm.disk.testing.QemuImg;

/** New VHD blocks start where their data (behind the sector bitmap) lies on a 4 KiB boundary of the file. */
class VhdBlockAlignmentTest {
    private static final long MIB = 1 << 20;
    private static final int BLOCK = 2 << 20;

    @Test
    void dynamicBlocksHavePageAlignedDataAndQemuReadsThem(@TempDir Path dir) throws Exception {
        Path vhd = dir.resolve("d.vhd");
        Path raw = dir.resolve("d.raw");
        byte[] expected = new byte[(int) (16 * MIB)];
        try (DiskImage d = DiskImages.create(vhd, CreateOptions.of(ImageFormat.VHD, "dynamic", expected.length))) {
            SplittableRandom rnd = new SplittableRandom(5);
            // Whole blocks, a partial block and a write across a block boundary, out of order.
            writeRandom(d, expected, rnd, 5L * BLOCK, BLOCK);
            writeRandom(d, expected, rnd, 0, BLOCK);
            writeRandom(d, expected, rnd, 3L * BLOCK + 4608, 9000);
            writeRandom(d, expected, rnd, 2L * BLOCK - 700, 1400);
        }
        assertDataAligned(vhd, 5);
        Files.write(raw, expected);
        QemuImg.compareWithRaw(raw, vhd, "vpc").requireSuccess();
    }

    @Test
    void differencingBlocksHavePageAlignedDataAndReadThroughTheParent(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.vhd");
        Path child = dir.resolve("child.vhd");
        byte[] expected = new byte[(int) (8 * MIB)];
        SplittableRandom rnd = new SplittableRandom(6);
        try (DiskImage d = DiskImages.create(base, CreateOptions.of(ImageFormat.VHD, "dynamic", expected.length))) {
            writeRandom(d, expected, rnd, 0, expected.length);
        }
        try (DiskImage d = DiskImages.create(child, CreateOptions.childOf(ImageFormat.VHD, base))) {
            writeRandom(d, expected, rnd, BLOCK + 1024, 3000);
            writeRandom(d, expected, rnd, 3L * BLOCK, 512);
            writeRandom(d, expected, rnd, 0, BLOCK);
        }
        assertDataAligned(child, 3);
        try (DiskImage d = DiskImages.open(child, OpenOptions.readOnly())) {
            ByteBuffer all = ByteBuffer.allocate(expected.length);
            d.read(0, all);
            assertEquals(ByteBuffer.wrap(expected), all.flip());
        }
        // No qemu-img comparison here: QEMU's vpc driver reads allocated blocks whole, ignoring the sector bitmap
        // and the parent, so it cannot judge a differencing VHD.
    }

    private static void writeRandom(DiskImage d, byte[] model, SplittableRandom rnd, long offset, int length)
            throws Exception {
        byte[] data = new byte[length];
        rnd.nextBytes(data);
        System.arraycopy(data, 0, model, (int) offset, length);
        d.write(offset, ByteBuffer.wrap(data));
    }

    private static void assertDataAligned(Path vhd, int blocks) throws Exception {
        try (VhdImage img = VhdImage.open(vhd, false)) {
            VhdBlockMap map = img.blockMap();
            int seen = 0;
            for (int e : map.bat()) {
                if (e != -1) {
                    long data = (e & 0xffffffffL) * 512 + map.bitmapBytes();
                    assertEquals(0, data % 4096, "block data at " + data);
                    seen++;
                }
            }
            assertEquals(blocks, seen);
        }
    }
}
