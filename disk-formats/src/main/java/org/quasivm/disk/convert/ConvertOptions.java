package org.quasivm.disk.convert;

import java.util.concurrent.ExecutorService;
import java.util.zip.Deflater;
import org.quasivm.disk.ImageFormat;

/**
 * Target of a conversion.
 *
 * @param format           target format
 * @param subformat        target subformat (null: the format's default)
 * @param compress         write compressed clusters (qcow2); streamOptimized VMDKs are always compressed
 * @param threads          compression threads (0: one per available processor)
 * @param executor         run compression on this executor instead of a private pool (not shut down here)
 * @param compressionLevel deflate level 1..9, or -1 for zlib's default (6, what qemu-img uses)
 * @param durable          sync the output before it is moved into place (default). Without it, as with
 *                         {@code qemu-img convert}'s default cache mode, a power loss soon after may leave a
 *                         damaged output (the source is untouched, so the conversion can be redone).
 */
public record ConvertOptions(ImageFormat format, String subformat, boolean compress, int threads,
                             ExecutorService executor, int compressionLevel, boolean durable) {

    public ConvertOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads " + threads);
        }
        if (compressionLevel != Deflater.DEFAULT_COMPRESSION && (compressionLevel < 1 || compressionLevel > 9)) {
            throw new IllegalArgumentException("compression level " + compressionLevel + " (1..9 or -1)");
        }
    }

    public static ConvertOptions to(ImageFormat format, String subformat) {
        return new ConvertOptions(format, subformat, false, 0, null, Deflater.DEFAULT_COMPRESSION, true);
    }

    public ConvertOptions compressed() {
        return new ConvertOptions(format, subformat, true, threads, executor, compressionLevel, durable);
    }

    public ConvertOptions withThreads(int n) {
        return new ConvertOptions(format, subformat, compress, n, executor, compressionLevel, durable);
    }

    public ConvertOptions withExecutor(ExecutorService e) {
        return new ConvertOptions(format, subformat, compress, threads, e, compressionLevel, durable);
    }

    public ConvertOptions withCompressionLevel(int level) {
        return new ConvertOptions(format, subformat, compress, threads, executor, level, durable);
    }

    public ConvertOptions withDurable(boolean d) {
        return new ConvertOptions(format, subformat, compress, threads, executor, compressionLevel, d);
    }

    int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
