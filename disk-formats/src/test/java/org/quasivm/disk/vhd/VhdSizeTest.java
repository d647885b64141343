package org.quasivm.disk.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.testing.QemuImg;

/** The VHD size rules: exact current size (Hyper-V, Azure) versus CHS product (Virtual PC). */
class VhdSizeTest {
    private static final long GIB = 1L << 30;

    @Test
    void specGeometryForOneGibRoundsDownTo2080Cylinders() {
        assertEquals(new VhdGeometry(2080, 16, 63), VhdGeometry.forSectors(GIB / 512));
    }

    @Test
    void specGeometryForSmallDisksUsesSeventeenSectorsPerTrack() {
        assertEquals(new VhdGeometry(241, 4, 17), VhdGeometry.forSectors(16388));
    }

    @Test
    void specGeometryCapsAtTheMaximum() {
        VhdGeometry g = VhdGeometry.forSectors(4L * 1024 * 1024 * 1024);
        assertEquals(new VhdGeometry(65535, 16, 255), g);
    }

    @Test
    void createdVhdKeepsAWholeMibSizeExactlyAsAzureRequires(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("azure.vhd");
        DiskImages.create(p, CreateOptions.of(ImageFormat.VHD, "fixed", GIB)).close();
        try (DiskImage d = DiskImages.open(p)) {
            assertEquals(GIB, d.size());
        }
        assertEquals(GIB + 512, java.nio.file.Files.size(p));
        String info = QemuImg.run("qemu-img", "info", "-f", "vpc", p.toString()).requireSuccess().output();
        assertEquals(true, info.contains("(1073741824 bytes)"), info);
    }

    @Test
    void virtualPcImageIsSizedByItsGeometry(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("vpc.vhd");
        DiskImages.create(p, CreateOptions.of(ImageFormat.VHD, "fixed", GIB)).close();
        rewriteCreator(p, GIB, "vpc ");
        try (DiskImage d = DiskImages.open(p)) {
            assertEquals(2080L * 16 * 63 * 512, d.size());
        }
    }

    /** Changes the footer's creator application and fixes the checksum, as a Virtual PC file would have it. */
    private static void rewriteCreator(Path p, long footerAt, String app) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer f = ByteBuffer.allocate(512);
            ch.read(f, footerAt);
            f.put(28, app.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            f.putInt(64, 0);
            int sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += f.get(i) & 0xff;
            }
            f.putInt(64, ~sum);
            f.clear();
            ch.write(f, footerAt);
        }
    }
}
