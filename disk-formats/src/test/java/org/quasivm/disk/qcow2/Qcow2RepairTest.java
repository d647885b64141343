package org.quasivm.disk.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.CheckReport;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;
import org.quasivm.disk.testing.QemuImg;

/** Leaked clusters (what a crash between refcount update and table update leaves) are found and released. */
class Qcow2RepairTest {

    /** Appends a cluster and gives it refcount 1 with nothing pointing at it; sets the dirty bit if asked. */
    private static void leakOneCluster(Path p, boolean dirty) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long clusters = ch.size() / 65536;
            ch.write(ByteBuffer.allocate(65536), clusters * 65536);
            ByteBuffer rc = ByteBuffer.allocate(2).putShort(0, (short) 1);
            ch.write(rc, 2L * 65536 + clusters * 2); // our layout: refcount block 0 in cluster 2
            if (dirty) {
                ch.write(ByteBuffer.allocate(8).putLong(0, 1L), 72);
            }
        }
    }

    private static Path image(Path dir, String sub) throws Exception {
        Path p = dir.resolve(sub + ".qcow2");
        try (DiskImage d = DiskImages.create(p, CreateOptions.of(ImageFormat.QCOW2, sub, 8L << 20))) {
            d.write(100_000, ByteBuffer.wrap(new byte[300_000]).put(0, (byte) 7));
        }
        return p;
    }

    @Test
    void checkCountsALeakedClusterAsQemuDoes(@TempDir Path dir) throws Exception {
        Path p = image(dir, "v2");
        leakOneCluster(p, false);
        assertEquals(3, QemuImg.check(p, "qcow2").exitCode());
        CheckReport r = DiskImages.check(p, null, false);
        assertEquals(1, r.leakedClusters());
        assertFalse(r.hasErrors());
    }

    @Test
    void repairReleasesLeakedClusters(@TempDir Path dir) throws Exception {
        Path p = image(dir, "v2");
        leakOneCluster(p, false);
        assertTrue(DiskImages.repair(p, null).clean());
        assertEquals(0, QemuImg.check(p, "qcow2").exitCode());
    }

    @Test
    void readWriteOpenOfADirtyV3ImageReleasesLeaks(@TempDir Path dir) throws Exception {
        Path p = image(dir, "v3");
        leakOneCluster(p, true);
        try (DiskImage d = DiskImages.open(p, OpenOptions.readWrite())) {
            assertTrue(d.warnings().get(0).contains("1 leaked clusters released"), d.warnings().toString());
        }
        assertEquals(0, QemuImg.check(p, "qcow2").exitCode());
    }
}
