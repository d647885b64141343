package org.quasivm.disk.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.io.CompressedClusterSink;
import org.quasivm.disk.io.Zeros;

/**
 * Converts any readable image (with its chain) into a new standalone image of any writable format. Streaming
 * and sparse: known-zero ranges of the source are skipped, zero blocks are not written (raw and flat outputs
 * keep holes), compressed outputs are deflated on several threads. The output is built in a hidden folder
 * next to the destination and moved into place only when complete: a failure or cancellation leaves nothing.
 */
public final class Converter {
    private Converter() {
    }

    public static void convert(Path source, ImageFormat sourceFormat, Path destination, ConvertOptions options,
                               ProgressListener progress, Cancellation cancel) throws IOException {
        try (DiskImage in = DiskImages.open(source, OpenOptions.readOnly().withFormat(sourceFormat))) {
            convert(in, destination, options, progress, cancel);
        }
    }

    /** Converts an open device (an image, or any other {@link BlockDevice}) into a new image. */
    public static void convert(BlockDevice in, Path destination, ConvertOptions options, ProgressListener progress,
                               Cancellation cancel) throws IOException {
        Path dst = destination.toAbsolutePath();
        if (Files.exists(dst)) {
            throw new DiskImageException(dst, "file already exists",
                    new java.nio.file.FileAlreadyExistsException(dst.toString()));
        }
        Path staging = dst.resolveSibling("." + dst.getFileName() + ".partial");
        deleteRecursively(staging);
        Files.createDirectory(staging);
        boolean ok = false;
        try {
            Path work = staging.resolve(dst.getFileName());
            List<Path> files;
            Path main;
            // The output is synced once at the end (when durable), not piecemeal while it is built.
            try (DiskImage out = DiskImages.create(work, CreateOptions.of(options.format(), options.subformat(),
                    in.size()).withDurable(false))) {
                files = out.files();
                main = out.path();
                for (Path f : files) {
                    Path target = dst.resolveSibling(f.getFileName());
                    if (Files.exists(target)) {
                        throw new DiskImageException(target, "file already exists",
                    new java.nio.file.FileAlreadyExistsException(target.toString()));
                    }
                }
                boolean stream = out instanceof CompressedClusterSink
                        && (options.compress() || "streamOptimized".equals(out.subformat()));
                if (options.compress() && !stream) {
                    throw new DiskImageException(dst, "compression is available for qcow2 and streamOptimized VMDK only");
                }
                if (options.durable() && !stream) {
                    // The data must reach the disk before the output appears: send it there once, rather than
                    // copying it into the page cache and writing it back from there at the final sync.
                    out.bypassPageCacheForData();
                }
                if (stream) {
                    copyCompressed(in, (CompressedClusterSink) out, options, progress, cancel, dst);
                } else {
                    copyPlain(in, out, zeroGranularity(options), progress, cancel, dst);
                }
                if (options.durable()) {
                    out.flush();
                }
                out.setDurableClose(options.durable());
            }
            // Extent files first, the file naming them last: the destination appears only when complete.
            for (Path f : files) {
                if (!f.equals(main)) {
                    Files.move(f, dst.resolveSibling(f.getFileName()));
                }
            }
            Files.move(main, dst);
            ok = true;
        } finally {
            if (!ok) {
                deleteRecursively(staging);
            } else {
                Files.deleteIfExists(staging);
            }
        }
    }

    /** Raw-like outputs keep holes at 4 KiB; sparse formats allocate whole clusters, so 64 KiB. */
    private static int zeroGranularity(ConvertOptions o) {
        boolean rawLike = o.format() == ImageFormat.RAW
                || (o.format() == ImageFormat.VHD && "fixed".equals(o.subformat()))
                || (o.format() == ImageFormat.VDI && "fixed".equals(o.subformat()))
                || (o.format() == ImageFormat.VMDK && o.subformat() != null && o.subformat().endsWith("Flat"));
        return rawLike ? 4096 : 65536;
    }

    private static void copyPlain(BlockDevice in, BlockDevice out, int granularity, ProgressListener progress,
                                  Cancellation cancel, Path name) throws IOException {
        long size = in.size();
        try (ReadAhead reader = new ReadAhead(in)) {
            while (true) {
                cancel.check(name);
                ReadAhead.Chunk c = reader.next();
                if (c.end) {
                    break;
                }
                if (c.data != null) {
                    writeNonZero(out, c.data, c.offset, (int) c.length, granularity);
                }
                reader.recycle(c);
                progress.progress(c.offset + c.length, size);
            }
        }
        progress.progress(size, size);
    }

    /** Writes the non-zero blocks of {@code buf[0, n)} at {@code base}, merging neighbours into one write. */
    private static void writeNonZero(BlockDevice out, ByteBuffer buf, long base, int n, int granularity)
            throws IOException {
        int runStart = -1;
        for (int p = 0; p < n; p += granularity) {
            int q = Math.min(n, p + granularity);
            boolean zero = Zeros.isZero(buf, p, q);
            if (!zero && runStart < 0) {
                runStart = p;
            } else if (zero && runStart >= 0) {
                writeRun(out, buf, base, runStart, p);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            writeRun(out, buf, base, runStart, n);
        }
    }

    private static void writeRun(BlockDevice out, ByteBuffer buf, long base, int from, int to) throws IOException {
        int limit = buf.limit();
        buf.limit(to);
        buf.position(from);
        out.write(base + from, buf);
        buf.limit(limit);
    }

    private static void copyCompressed(BlockDevice in, CompressedClusterSink sink, ConvertOptions options,
                                       ProgressListener progress, Cancellation cancel, Path name) throws IOException {
        long size = in.size();
        try (CompressionPipeline pipe = new CompressionPipeline(sink, options.effectiveThreads(), options.executor(),
                options.compressionLevel(), name)) {
            int cs = pipe.clusterSize();
            long off = 0;
            while (off < size) {
                cancel.check(name);
                Extent e = in.extentAt(off);
                if (e.kind() == Extent.Kind.ZERO) {
                    long skipTo = Math.min(size, e.end()) / cs * cs;
                    if (skipTo > off) {
                        off = skipTo;
                        progress.progress(off, size);
                        continue;
                    }
                }
                CompressionPipeline.Batch b = pipe.acquire();
                int n = (int) Math.min(pipe.batchBytes(), size - off);
                ByteBuffer raw = b.raw();
                raw.limit(n);
                in.read(off, raw);
                int clusters = (n + cs - 1) / cs;
                raw.limit(clusters * cs);
                Zeros.fill(raw, raw.remaining());
                pipe.submit(b, off / cs, clusters);
                off += n;
                progress.progress(off, size);
            }
            pipe.finish();
        }
        progress.progress(size, size);
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(p)) {
            s.forEach(all::add);
        }
        all.sort(Comparator.reverseOrder());
        for (Path x : all) {
            Files.deleteIfExists(x);
        }
    }
}
