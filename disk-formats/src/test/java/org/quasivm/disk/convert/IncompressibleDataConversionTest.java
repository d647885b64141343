package org.quasivm.disk.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.testing.QemuImg;

/**
 * Incompressible clusters are stored in deflate's stored blocks (streamOptimized) or raw (compressed qcow2); the images
 * stay exact in qemu-img, and compressible data is still compressed.
 */
class IncompressibleDataConversionTest {
    private static final int SIZE = 8 << 20;

    @TempDir
    Path dir;

    private Path raw(boolean random) throws Exception {
        byte[] b = new byte[SIZE];
        Random r = new Random(17);
        if (random) {
            r.nextBytes(b);
        } else {
            String[] words = {"sector", "grain", "the", "image", "of", "cluster", "disk", "table"};
            StringBuilder s = new StringBuilder(SIZE);
            while (s.length() < SIZE) {
                s.append(words[r.nextInt(words.length)]).append(r.nextInt(100)).append(' ');
            }
            System.arraycopy(s.toString().getBytes(StandardCharsets.US_ASCII), 0, b, 0, SIZE);
        }
        return Files.write(dir.resolve(random ? "random.raw" : "text.raw"), b);
    }

    private Path convert(Path raw, ImageFormat f, String sub, boolean compress) throws Exception {
        Path out = dir.resolve(raw.getFileName() + "." + f.id());
        ConvertOptions o = ConvertOptions.to(f, sub).withThreads(2);
        DiskImages.convert(raw, ImageFormat.RAW, out, compress ? o.compressed() : o, ProgressListener.NONE,
                Cancellation.NEVER);
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"vmdk,streamOptimized,false", "qcow2,v3,true"})
    void randomDataReadsBackExactlyAndIsNotInflated(String format, String sub, boolean compress) throws Exception {
        Path raw = raw(true);
        Path out = convert(raw, ImageFormat.parse(format), sub, compress);
        assertEquals(0, QemuImg.compareWithRaw(raw, out, format).exitCode());
        assertEquals(0, QemuImg.check(out, format).exitCode());
        long size = Files.size(out);
        assertTrue(size > SIZE && size < SIZE + SIZE / 10, "stored, not inflated: " + size);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"vmdk,streamOptimized,false", "qcow2,v3,true"})
    void compressibleDataIsStillCompressed(String format, String sub, boolean compress) throws Exception {
        Path raw = raw(false);
        Path out = convert(raw, ImageFormat.parse(format), sub, compress);
        assertEquals(0, QemuImg.compareWithRaw(raw, out, format).exitCode());
        assertTrue(Files.size(out) < SIZE / 2, "compressed: " + Files.size(out));
    }
}
