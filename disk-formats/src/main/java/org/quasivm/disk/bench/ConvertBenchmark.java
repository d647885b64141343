package org.quasivm.disk.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.convert.ConvertOptions;

/**
 * {@code quasivm bench disk}: conversion speed side by side with {@code qemu-img convert} in one run.
 *
 * <p>Builds a raw disk of 1 GiB random data followed by 1 GiB of zeros (a hole) in the given folder, then
 * times, interleaved and alternating which tool goes first, raw to VMDK (monolithicSparse), raw to
 * streamOptimized VMDK, raw to dynamic VHD and raw to qcow2, and each format back to raw (from an image made
 * once by qemu-img, so both tools read the same input). Prints median and spread per tool and the ratio
 * (qemu-img time / QuasiVM time: above 1 means QuasiVM is faster). QuasiVM runs in this JVM, qemu-img as a
 * process. Each pair starts with one untimed conversion of that pair (so the first timed tool does not inherit the
 * previous pair's memory state), and before each timed conversion an untimed read of the source and scratch write
 * of the same size put both tools in the same page-cache state (see {@link #warmSource} and {@link #settle}). Both
 * tools do equal work twice: without a final sync ({@code ConvertOptions.withDurable(false)} against qemu-img's
 * default cache mode) and with it (our default against {@code qemu-img -t writeback}).
 *
 * <p>Raw sources skip their holes only when the host's {@link org.quasivm.disk.AllocationProbe} is installed, as
 * {@code quasivm bench disk} does; run from {@link #main} alone, the hole is read and scanned.
 *
 * <p>Usage: {@code ConvertBenchmark DIR [--runs N] [--mib N] [--threads N] [--modes nosync|sync|both]}
 */
public final class ConvertBenchmark {
    private record Pair(String name, String sourceName, ImageFormat sourceFormat, ConvertOptions ours,
                        List<String> qemu, String outExt) {
    }

    private ConvertBenchmark() {
    }

    /**
     * What to run.
     *
     * @param runs    interleaved runs per pair and tool (the median is reported)
     * @param mib     MiB of random data in the source, followed by as many MiB of hole
     * @param threads compression threads for streamOptimized (0: one per processor)
     * @param modes   {@code nosync}, {@code sync} or {@code both} (see the class comment)
     * @param data    {@code random} (incompressible, as the issue specifies) or {@code text} (compresses about 3:1,
     *                so streamOptimized really deflates)
     */
    public record Options(int runs, long mib, int threads, String modes, String data) {
        public Options {
            if (runs < 1 || runs > 100) {
                throw new IllegalArgumentException("--runs must be between 1 and 100");
            }
            if (mib < 1 || mib > (1 << 20)) {
                throw new IllegalArgumentException("--mib must be between 1 and 1048576");
            }
            if (threads < 0 || threads > 256) {
                throw new IllegalArgumentException("--threads must be between 0 and 256");
            }
            if (!List.of("nosync", "sync", "both").contains(modes)) {
                throw new IllegalArgumentException("--modes must be nosync, sync or both");
            }
            if (!List.of("random", "text").contains(data)) {
                throw new IllegalArgumentException("--data must be random or text");
            }
        }

        public static Options defaults() {
            return new Options(3, 1024, 0, "both", "random");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ConvertBenchmark DIR [--runs N] [--mib N] [--threads N] [--modes M] [--data D]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int runs = 3;
        long mib = 1024;
        int threads = 0;
        String modes = "both";
        String data = "random";
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--modes" -> modes = args[i + 1];
                case "--data" -> data = args[i + 1];
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--mib" -> mib = Long.parseLong(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        run(dir, new Options(runs, mib, threads, modes, data),
                new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    /** Builds the inputs in {@code directory} (kept for the next run) and prints each timing and the tables. */
    public static void run(Path directory, Options options, PrintWriter out) throws Exception {
        Path dir = directory.toAbsolutePath();
        int runs = options.runs();
        long mib = options.mib();
        int threads = options.threads();
        String modes = options.modes();
        Files.createDirectories(dir);
        boolean text = options.data().equals("text");
        String tag = text ? "-text" : "";
        String source = "bench-src" + tag + ".raw";
        Path raw = dir.resolve(source);
        out.printf(Locale.ROOT, "building %s: %d MiB %s + %d MiB zeros (hole)%n", raw, mib,
                text ? "text (compresses about 3:1)" : "random", mib);
        String inVmdk = "in" + tag + ".vmdk";
        String inStream = "in" + tag + "-so.vmdk";
        String inVhd = "in" + tag + ".vhd";
        String inQcow2 = "in" + tag + ".qcow2";
        if (buildSource(raw, mib << 20, text)) {
            for (String made : List.of(inVmdk, inStream, inVhd, inQcow2)) {
                Files.deleteIfExists(dir.resolve(made)); // made from an earlier source
            }
        }
        out.println("preparing qemu-img-made inputs for the back-to-raw conversions");
        prepare(raw, dir.resolve(inVmdk), "vmdk", null);
        prepare(raw, dir.resolve(inStream), "vmdk", "subformat=streamOptimized");
        prepare(raw, dir.resolve(inVhd), "vpc", null);
        prepare(raw, dir.resolve(inQcow2), "qcow2", null);

        List<Pair> pairs = List.of(
                new Pair("raw -> vmdk (sparse)", source, ImageFormat.RAW,
                        ConvertOptions.to(ImageFormat.VMDK, "monolithicSparse"), List.of("-f", "raw", "-O", "vmdk"),
                        ".vmdk"),
                new Pair("raw -> vmdk streamOptimized", source, ImageFormat.RAW,
                        ConvertOptions.to(ImageFormat.VMDK, "streamOptimized").withThreads(threads),
                        List.of("-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized"), ".vmdk"),
                new Pair("raw -> vhd (dynamic)", source, ImageFormat.RAW,
                        ConvertOptions.to(ImageFormat.VHD, "dynamic"), List.of("-f", "raw", "-O", "vpc"), ".vhd"),
                new Pair("raw -> qcow2", source, ImageFormat.RAW, ConvertOptions.to(ImageFormat.QCOW2, null),
                        List.of("-f", "raw", "-O", "qcow2"), ".qcow2"),
                new Pair("vmdk (sparse) -> raw", inVmdk, ImageFormat.VMDK, ConvertOptions.to(ImageFormat.RAW, null),
                        List.of("-f", "vmdk", "-O", "raw"), ".raw"),
                new Pair("vmdk streamOptimized -> raw", inStream, ImageFormat.VMDK,
                        ConvertOptions.to(ImageFormat.RAW, null), List.of("-f", "vmdk", "-O", "raw"), ".raw"),
                new Pair("vhd (dynamic) -> raw", inVhd, ImageFormat.VHD, ConvertOptions.to(ImageFormat.RAW, null),
                        List.of("-f", "vpc", "-O", "raw"), ".raw"),
                new Pair("qcow2 -> raw", inQcow2, ImageFormat.QCOW2, ConvertOptions.to(ImageFormat.RAW, null),
                        List.of("-f", "qcow2", "-O", "raw"), ".raw"));

        out.println("load average at start: " + loadAverage());
        out.println("untimed: one conversion of each pair before its timed ones; before each timed conversion,"
                + " the source read (so it is cached) and " + mib
                + " MiB written to a scratch file and deleted (same page-cache state for both tools; see settle())");
        ByteBuffer rewrite = ByteBuffer.allocateDirect(4 << 20);
        ByteBuffer warmBuffer = ByteBuffer.allocateDirect(4 << 20);
        SplittableRandom fill = new SplittableRandom(7);
        while (rewrite.hasRemaining()) {
            rewrite.putLong(fill.nextLong());
        }
        List<Boolean> durableModes = switch (modes) {
            case "nosync" -> List.of(false);
            case "sync" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("--modes nosync|sync|both");
        };
        int m = durableModes.size();
        double[][][] ours = new double[m][pairs.size()][runs];
        double[][][] theirs = new double[m][pairs.size()][runs];
        double[][][] oursCpu = new double[m][pairs.size()][runs];
        double[][][] theirsCpu = new double[m][pairs.size()][runs];
        for (int r = 0; r < runs; r++) {
            for (int d = 0; d < m; d++) {
                boolean durable = durableModes.get(d);
                for (int p = 0; p < pairs.size(); p++) {
                    Pair pair = pairs.get(p);
                    boolean oursFirst = (r + p + d) % 2 == 0;
                    // Untimed, one conversion of this very pair first: the first timed tool then follows the same
                    // kind of work as the second one does, not the previous pair's (after raw→streamOptimized the
                    // next big writer paid 1.5-2 s more, whichever tool it was, which the settle step alone did not
                    // absorb).
                    deleteOutputs(dir);
                    timeOurs(dir.resolve(pair.sourceName()), pair, dir.resolve("out-warmup" + pair.outExt()),
                            durable);
                    for (int k = 0; k < 2; k++) {
                        boolean mine = (k == 0) == oursFirst;
                        Path target = dir.resolve((mine ? "out-quasivm" : "out-qemu") + pair.outExt());
                        deleteOutputs(dir);
                        Path src = dir.resolve(pair.sourceName());
                        warmSource(src, pair.sourceFormat() == ImageFormat.RAW ? mib << 20 : Files.size(src),
                                warmBuffer);
                        settle(dir, mib << 20, rewrite);
                        double cpu0 = mine ? ProcessCpu.self() : ProcessCpu.reapedChildren();
                        double s = mine ? timeOurs(dir.resolve(pair.sourceName()), pair, target, durable)
                                : timeQemu(dir.resolve(pair.sourceName()), pair, target, durable);
                        double cpu = (mine ? ProcessCpu.self() : ProcessCpu.reapedChildren()) - cpu0;
                        (mine ? ours : theirs)[d][p][r] = s;
                        (mine ? oursCpu : theirsCpu)[d][p][r] = cpu;
                        out.printf(Locale.ROOT, "run %d  %-6s %-30s %-8s %7.2f s  (CPU %6.2f s)%n", r + 1,
                                durable ? "sync" : "nosync", pair.name(), mine ? "QuasiVM" : "qemu-img", s, cpu);
                    }
                }
            }
        }
        deleteOutputs(dir);
        for (int d = 0; d < m; d++) {
            out.println();
            out.println(durableModes.get(d)
                    ? "== output synced before completion: QuasiVM default vs qemu-img -t writeback"
                    : "== no final sync: QuasiVM ConvertOptions.withDurable(false) vs qemu-img default (-t unsafe)");
            out.printf(Locale.ROOT, "%-30s %22s %22s %8s %6s %18s%n", "conversion (" + mib + "+" + mib + " MiB "
                    + options.data() + ")", "QuasiVM median [min..max]", "qemu-img median [min..max]", "ratio",
                    "best", "CPU s QuasiVM/qemu");
            for (int p = 0; p < pairs.size(); p++) {
                double mo = median(ours[d][p]);
                double mq = median(theirs[d][p]);
                out.printf(Locale.ROOT,
                        "%-30s %7.2f s [%5.2f..%5.2f] %7.2f s [%5.2f..%5.2f] %7.2fx %5.2fx %8.2f / %6.2f%n",
                        pairs.get(p).name(), mo, min(ours[d][p]), max(ours[d][p]), mq, min(theirs[d][p]),
                        max(theirs[d][p]), mq / mo, min(theirs[d][p]) / min(ours[d][p]), median(oursCpu[d][p]),
                        median(theirsCpu[d][p]));
            }
        }
        out.println("ratio = qemu-img time / QuasiVM time, of the medians (above 1: QuasiVM faster); best = the same"
                + " of each tool's fastest run (on a host whose memory reporting makes single runs bimodal, the"
                + " fastest run is each tool's own speed); CPU = median CPU seconds of "
                + "the whole QuasiVM process (all threads, JIT and GC included) and of qemu-img; "
                + Runtime.getRuntime().availableProcessors() + " processors; load average at end: " + loadAverage());
    }

    /**
     * Data for the first half (random bytes, or text of words and numbers), a hole for the second (a sparse raw disk,
     * as users have them); returns false when the file was already there from an earlier run.
     */
    static boolean buildSource(Path raw, long half, boolean text) throws IOException {
        if (Files.exists(raw) && Files.size(raw) == 2 * half) {
            return false;
        }
        Files.deleteIfExists(raw);
        SplittableRandom rnd = new SplittableRandom(42);
        ByteBuffer b = ByteBuffer.allocateDirect(4 << 20);
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long off = 0; off < half; off += b.capacity()) {
                b.clear();
                if (text) {
                    fillText(b, rnd);
                } else {
                    while (b.hasRemaining()) {
                        b.putLong(rnd.nextLong());
                    }
                }
                b.flip();
                while (b.hasRemaining()) {
                    ch.write(b, off + b.position());
                }
            }
            ch.write(ByteBuffer.allocate(1), 2 * half - 1);
            ch.force(true);
        }
        return true;
    }

    private static final byte[][] WORDS = {"the ".getBytes(StandardCharsets.US_ASCII),
        "disk ".getBytes(StandardCharsets.US_ASCII), "sector ".getBytes(StandardCharsets.US_ASCII),
        "of ".getBytes(StandardCharsets.US_ASCII), "cluster ".getBytes(StandardCharsets.US_ASCII),
        "image ".getBytes(StandardCharsets.US_ASCII), "and ".getBytes(StandardCharsets.US_ASCII),
        "grain ".getBytes(StandardCharsets.US_ASCII), "write ".getBytes(StandardCharsets.US_ASCII),
        "table ".getBytes(StandardCharsets.US_ASCII), "\n".getBytes(StandardCharsets.US_ASCII)};

    /** Words and decimal numbers in random order: compresses about 3:1 with deflate, like logs or source text. */
    private static void fillText(ByteBuffer b, SplittableRandom rnd) {
        while (b.remaining() >= 16) {
            if (rnd.nextInt(4) == 0) {
                String n = Integer.toString(rnd.nextInt(1_000_000)) + ' ';
                b.put(n.getBytes(StandardCharsets.US_ASCII));
            } else {
                b.put(WORDS[rnd.nextInt(WORDS.length)]);
            }
        }
        while (b.hasRemaining()) {
            b.put((byte) ' ');
        }
    }

    /**
     * Reads the first {@code bytes} of the source (untimed), so both tools find it in the page cache. This machine
     * pages out file data idle for a minute (a DAMON "pageout" scheme for unmapped pages of age 12 × 5 s, see
     * /sys/kernel/mm/damon/admin), and a back-to-raw source is read only once per run, more than a minute apart:
     * without this, whichever tool the alternation put first read it from the disk, with an odd run count the
     * same tool for a pair three times out of five. A raw source is read only up to its hole (reading a hole
     * would fill the page cache with zero pages).
     */
    static void warmSource(Path source, long bytes, ByteBuffer buffer) throws IOException {
        try (FileChannel ch = FileChannel.open(source, StandardOpenOption.READ)) {
            for (long off = 0; off < bytes; off += buffer.capacity()) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), bytes - off));
                while (buffer.hasRemaining() && ch.read(buffer, off + buffer.position()) >= 0) {
                    // read to the limit or the end of the file
                }
                if (buffer.hasRemaining()) {
                    return;
                }
            }
        }
    }

    /**
     * Writes {@code bytes} to a scratch file (no sync) and deletes it, so the timed conversion after it starts from
     * the state a big write leaves. Without it, the first big write after a different conversion pays up to 2 s of
     * extra kernel time populating the page cache (measured: the writer right after raw→streamOptimized took 1.6–2.5
     * CPU s for raw→vhd, the same conversion repeated at once 0.3–0.5 s, for QuasiVM and qemu-img alike), and that
     * penalty fell on whichever tool the alternation put first: with an odd number of runs, the same tool for a pair.
     */
    static void settle(Path dir, long bytes, ByteBuffer pattern) throws IOException {
        Path scratch = dir.resolve("settle.tmp");
        Files.deleteIfExists(scratch);
        try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long off = 0; off < bytes; off += pattern.capacity()) {
                pattern.clear();
                pattern.limit((int) Math.min(pattern.capacity(), bytes - off));
                while (pattern.hasRemaining()) {
                    ch.write(pattern, off + pattern.position());
                }
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private static void prepare(Path raw, Path out, String format, String options) throws Exception {
        if (Files.exists(out)) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O", format));
        if (options != null) {
            cmd.add("-o");
            cmd.add(options);
        }
        cmd.add(raw.toString());
        cmd.add(out.toString());
        run(cmd);
    }

    private static double timeOurs(Path src, Pair pair, Path out, boolean durable) throws IOException {
        long t0 = System.nanoTime();
        DiskImages.convert(src, pair.sourceFormat(), out, pair.ours().withDurable(durable), ProgressListener.NONE,
                Cancellation.NEVER);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double timeQemu(Path src, Pair pair, Path out, boolean durable) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert"));
        if (durable) {
            cmd.addAll(List.of("-t", "writeback")); // flushes the output before exiting
        }
        cmd.addAll(pair.qemu());
        cmd.add(src.toString());
        cmd.add(out.toString());
        long t0 = System.nanoTime();
        run(cmd);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static void deleteOutputs(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().startsWith("out-")) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
