package org.quasivm.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quasivm.disk.testing.QemuImg;

/** Growing images keeps their data, reads zeros in the new space, and the result passes qemu-img. */
class ResizeTest {

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({"RAW,raw,raw,8388608,33554432", "QCOW2,v3,qcow2,8388608,1099511627776",
        "QCOW2,v2,qcow2,8388608,20971520", "VHD,fixed,vpc,8388608,16777216", "VHD,dynamic,vpc,8388608,10485760"})
    void growingKeepsDataAndReadsZerosBeyond(ImageFormat f, String sub, String qemuFormat, long size, long newSize,
                                            @TempDir Path dir) throws Exception {
        Path p = dir.resolve("d." + f.id());
        byte[] data = new byte[100_000];
        java.util.Arrays.fill(data, (byte) 0x5c);
        try (DiskImage d = DiskImages.create(p, CreateOptions.of(f, sub, size))) {
            d.write(size - data.length, ByteBuffer.wrap(data));
        }
        DiskImages.resize(p, f, newSize);
        try (DiskImage d = DiskImages.open(p, OpenOptions.readWrite())) {
            assertEquals(newSize, d.size());
            ByteBuffer b = ByteBuffer.allocate(data.length);
            d.read(size - data.length, b);
            assertTrue(java.util.Arrays.equals(data, b.array()));
            ByteBuffer z = ByteBuffer.allocate(4096);
            d.read(newSize - 4096, z);
            assertTrue(java.util.Arrays.equals(new byte[4096], z.array()));
            d.write(newSize - 4096, ByteBuffer.wrap(data, 0, 4096));
        }
        if (f == ImageFormat.QCOW2) {
            QemuImg.Result c = QemuImg.check(p, "qcow2");
            assertEquals(0, c.exitCode(), c.output());
        }
        String info = QemuImg.run("qemu-img", "info", "-f", qemuFormat, p.toString()).requireSuccess().output();
        assertTrue(info.contains("(" + newSize + " bytes)"), info);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"VMDK", "VDI"})
    void resizingFormatsWithoutSupportIsRefusedClearly(ImageFormat f, @TempDir Path dir) throws Exception {
        Path p = dir.resolve("d." + f.id());
        DiskImages.create(p, CreateOptions.of(f, 1 << 20)).close();
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImages.resize(p, null, 2 << 20));
        assertTrue(e.getMessage().startsWith("d." + f.id() + ": not supported: resizing"), e.getMessage());
    }
}
