package org.quasivm.vmm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.convert.ConvertOptions;

/** The lseek-based probe installed into disk-formats: raw images see their real holes; conversions stay exact. */
class HostAllocationProbeTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void install() {
        assertTrue(HostAllocationProbe.installIfSupported(), "this Linux host supports SEEK_DATA/SEEK_HOLE");
    }

    /** 16 MiB: random data at [4, 6) MiB and [10, 11) MiB, holes elsewhere. */
    private Path sparseRaw() throws Exception {
        Path p = dir.resolve("src.img");
        Random r = new Random(7);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long[] range : new long[][] {{4 * MIB, 2 * MIB}, {10 * MIB, MIB}}) {
                byte[] b = new byte[(int) range[1]];
                r.nextBytes(b);
                ch.write(ByteBuffer.wrap(b), range[0]);
            }
            ch.truncate(16 * MIB);
            ch.write(ByteBuffer.allocate(1), 16 * MIB - 1);
        }
        return p;
    }

    @Test
    void aRawImagesHolesAreZeroExtents() throws Exception {
        try (DiskImage img = DiskImages.open(sparseRaw())) {
            assertEquals(new Extent(0, 4 * MIB, Extent.Kind.ZERO), img.extentAt(0));
            assertEquals(new Extent(4 * MIB, 2 * MIB, Extent.Kind.DATA), img.extentAt(4 * MIB));
            assertEquals(new Extent(6 * MIB, 4 * MIB, Extent.Kind.ZERO), img.extentAt(6 * MIB));
        }
    }

    @Test
    void aRawImagesAllocatedBytesAreItsDataBlocks() throws Exception {
        try (DiskImage img = DiskImages.open(sparseRaw())) {
            // The data ranges plus the block holding the last byte.
            assertEquals(3 * MIB + 4096, img.allocatedBytes());
        }
    }

    @Test
    void conversionsThatSkipHolesMatchTheSourceInQemuImg() throws Exception {
        Path raw = sparseRaw();
        for (String f : new String[] {"qcow2", "vmdk", "vhd"}) {
            Path out = dir.resolve("out." + f);
            DiskImages.convert(raw, ImageFormat.RAW, out, ConvertOptions.to(ImageFormat.parse(f), null),
                    ProgressListener.NONE, Cancellation.NEVER);
            Process p = new ProcessBuilder("qemu-img", "compare", "-f", "raw", "-F", f.equals("vhd") ? "vpc" : f,
                    raw.toString(), out.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), f + ": " + output);
        }
    }
}
