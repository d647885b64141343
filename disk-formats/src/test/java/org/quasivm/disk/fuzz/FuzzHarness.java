package org.quasivm.disk.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;

/**
 * Shared body of the image fuzz tests: the input becomes an image file (either raw fuzzer bytes, or a valid
 * template image with fuzzer-chosen bytes overwritten, which reaches the deeper tables), which is then
 * opened, read, scanned and checked. A {@link DiskImageException} is the expected answer to bad input; any
 * other exception, an OutOfMemoryError or a hang is a finding.
 */
public final class FuzzHarness {
    private final Path dir;
    private final Path file;
    private final byte[] template;
    private final ImageFormat format;

    FuzzHarness(String name, ImageFormat format, byte[] template) {
        try {
            this.dir = Files.createTempDirectory("quasivm-fuzz-");
            this.dir.toFile().deleteOnExit();
            this.file = dir.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.format = format;
        this.template = template;
    }

    /** A template image built by {@code maker} in a scratch folder (with the harness's file name). */
    static byte[] template(String name, TemplateMaker maker) {
        try {
            Path d = Files.createTempDirectory("quasivm-fuzz-template-");
            Path p = d.resolve(name);
            maker.make(p);
            byte[] b = Files.readAllBytes(p);
            try (var s = Files.list(d)) {
                for (Path x : s.toList()) {
                    Files.delete(x);
                }
            }
            Files.delete(d);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface TemplateMaker {
        void make(Path p) throws IOException;
    }

    void run(FuzzedDataProvider data) throws IOException {
        byte[] bytes;
        if (data.consumeBoolean()) {
            bytes = data.consumeRemainingAsBytes();
        } else {
            bytes = template.clone();
            int pokes = data.consumeInt(1, 8);
            for (int i = 0; i < pokes && data.remainingBytes() > 0; i++) {
                // Mostly early bytes (headers, tables), sometimes anywhere.
                int at = data.consumeBoolean() ? data.consumeInt(0, Math.min(4095, bytes.length - 1))
                        : data.consumeInt(0, bytes.length - 1);
                byte[] v = data.consumeBytes(8);
                System.arraycopy(v, 0, bytes, at, Math.min(v.length, bytes.length - at));
            }
            if (data.consumeBoolean()) {
                bytes = java.util.Arrays.copyOf(bytes, data.consumeInt(0, bytes.length));
            }
        }
        Files.write(file, bytes);
        exercise();
    }

    private void exercise() throws IOException {
        try (DiskImage d = DiskImages.open(file, OpenOptions.readOnly().withFormat(format).layerOnly())) {
            long size = d.size();
            ByteBuffer b = ByteBuffer.allocate(256 * 1024);
            b.limit((int) Math.min(b.capacity(), size));
            d.read(0, b);
            b.clear();
            b.limit((int) Math.min(64 * 1024, size));
            d.read(size - b.limit(), b);
            long off = 0;
            for (int i = 0; i < 8 && off < size; i++) {
                Extent e = d.layerExtentAt(off);
                off = e.end();
            }
            d.allocatedBytes();
            d.info();
        } catch (DiskImageException expected) {
            // bad input, clearly reported
        }
        DiskImages.check(file, format, false);
    }
}
