package org.quasivm.vmm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.quasivm.disk.ImageFormat;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.templates.assets.GuestAssetBuilder;
import org.quasivm.templates.assets.StorageGuest;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.ide.IdePlug;
import org.quasivm.vmm.devices.ide.IdePosition;
import org.quasivm.vmm.devices.uart.SerialTranscript;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.storage.LockedImage;
import org.quasivm.vmm.testing.DebianGuests;
import org.quasivm.vmm.testing.TestTerminal;

/**
 * Sequential disk throughput inside the guest: {@code dd} with O_DIRECT, 1 MiB blocks, 256 MiB written then read,
 * on a raw image and on a sparse VMDK (both fresh, made by qemu-img), QuasiVM's software executor (realtime clock)
 * against {@code qemu-system-i386 -accel tcg} with the same kernel, initramfs, command line, memory, images and
 * controller (PIIX3 IDE, the disks as primary master and slave), rounds interleaved. Times are host wall time from
 * the command being typed to the shell's end marker.
 *
 * <pre>
 * mvn -B -q -pl vmm-core -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp vmm-core/target/test-classes:vmm-core/target/classes:$(cat /tmp/cp.txt) \
 *     org.quasivm.vmm.bench.StorageBenchmark [rounds]
 * </pre>
 */
public final class StorageBenchmark {

    static final int MIB = 256;
    static final long IMAGE_BYTES = 300L << 20;
    static final String COMMAND_LINE = GuestAssetBuilder.MEDIA_COMMAND_LINE + " quiet";
    static final String PROMPT = DebianGuests.PROMPT;
    static final Duration BOOT = Duration.ofMinutes(20);
    static final Duration COMMAND = Duration.ofMinutes(30);
    private static final Pattern END = Pattern.compile("@@END (\\d+)");

    /** The measurements, in the order they are taken: raw then VMDK, write then read. */
    static final List<String> CASES = List.of("raw write", "raw read", "vmdk write", "vmdk read");

    /** A guest's serial console, whoever runs it. */
    private interface Console extends AutoCloseable {
        SerialTranscript transcript();

        void type(String text) throws Exception;
    }

    private StorageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        StorageGuest guest = DebianGuests.storage();
        Map<String, List<Double>> qemu = new LinkedHashMap<>();
        Map<String, List<Double>> quasi = new LinkedHashMap<>();
        for (String c : CASES) {
            qemu.put(c, new ArrayList<>());
            quasi.put(c, new ArrayList<>());
        }
        Path work = Files.createTempDirectory("quasivm-storage-bench");
        for (int r = 1; r <= rounds; r++) {
            boolean qemuFirst = r % 2 == 1;
            for (int side = 0; side < 2; side++) {
                boolean isQemu = (side == 0) == qemuFirst;
                Path raw = fresh(work, "data.raw", "raw");
                Path vmdk = fresh(work, "data.vmdk", "vmdk");
                Map<String, Double> seconds;
                try (Console console = isQemu ? qemu(guest, raw, vmdk) : quasi(guest, raw, vmdk)) {
                    seconds = measure(console);
                }
                for (String c : CASES) {
                    (isQemu ? qemu : quasi).get(c).add(seconds.get(c));
                }
                System.out.printf(Locale.ROOT, "round %d %-8s %s%n", r, isQemu ? "qemu-tcg" : "quasivm",
                        rates(seconds));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-11s %24s %24s %7s%n", "MiB/s", "qemu-tcg median [range]",
                "quasivm median [range]", "ratio");
        for (String c : CASES) {
            List<Double> q = rates(qemu.get(c));
            List<Double> v = rates(quasi.get(c));
            System.out.printf(Locale.ROOT, "%-11s %9.1f [%5.1f..%5.1f] %9.1f [%5.1f..%5.1f] %7.2f%n", c,
                    median(q), Collections.min(q), Collections.max(q), median(v), Collections.min(v),
                    Collections.max(v), median(v) / median(q));
        }
        System.out.println("ratio = quasivm / qemu-tcg throughput; load average: "
                + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static Path fresh(Path dir, String name, String format) throws IOException, InterruptedException {
        Path p = dir.resolve(name);
        Files.deleteIfExists(p);
        Process q = new ProcessBuilder("qemu-img", "create", "-q", "-f", format, p.toString(),
                Long.toString(IMAGE_BYTES)).inheritIO().start();
        if (q.waitFor() != 0) {
            throw new IOException("qemu-img create failed for " + p);
        }
        return p;
    }

    private static Map<String, Double> measure(Console console) throws Exception {
        if (console.transcript().awaitMatch(Pattern.compile(Pattern.quote(PROMPT)), 0, BOOT) == null) {
            throw new IllegalStateException("no prompt: " + String.join("\n", console.transcript().lastLines(20)));
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        String[] devices = {"sda", "sdb"};
        for (int d = 0; d < 2; d++) {
            String kind = d == 0 ? "raw" : "vmdk";
            seconds.put(kind + " write", timed(console, "dd if=/dev/zero of=/dev/" + devices[d] + " bs=1M count=" + MIB
                    + " oflag=direct"));
            seconds.put(kind + " read", timed(console, "dd if=/dev/" + devices[d] + " of=/dev/null bs=1M count=" + MIB
                    + " iflag=direct"));
        }
        return seconds;
    }

    private static double timed(Console console, String command) throws Exception {
        long mark = console.transcript().length();
        long t0 = System.nanoTime();
        console.type(command + "; echo @@''END $?\n");
        String out = console.transcript().awaitMatch(END, mark, COMMAND);
        double s = (System.nanoTime() - t0) / 1e9;
        if (out == null || !out.contains("@@END 0")) {
            throw new IllegalStateException(command + " failed: " + String.join("\n",
                    console.transcript().lastLines(10)));
        }
        return s;
    }

    private static String rates(Map<String, Double> seconds) {
        StringBuilder b = new StringBuilder();
        for (String c : CASES) {
            b.append(String.format(Locale.ROOT, "%s %.1f MiB/s (%.1f s)  ", c, MIB / seconds.get(c), seconds.get(c)));
        }
        return b.toString().strip();
    }

    private static List<Double> rates(List<Double> seconds) {
        return seconds.stream().map(s -> MIB / s).toList();
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    // ---- the two sides

    private static Console quasi(StorageGuest guest, Path raw, Path vmdk) throws Exception {
        TestTerminal terminal = new TestTerminal();
        IdePlug ide = new IdePlug()
                .disk(IdePosition.PRIMARY_MASTER, LockedImage.open(raw, ImageFormat.RAW, true, "bench"), false)
                .disk(IdePosition.PRIMARY_SLAVE, LockedImage.open(vmdk, ImageFormat.VMDK, true, "bench"), false);
        BoardConfig config = BoardConfig.builder(256 << 20, FirmwareImages.linux(guest.linux().kernel(),
                guest.linux().initrd(), COMMAND_LINE)).clock(ClockMode.REALTIME).com1(terminal).plug(ide).build();
        Machine machine = Machine.create(config, SoftwareExecutor::new, "storage-bench");
        machine.start();
        return new Console() {
            @Override
            public SerialTranscript transcript() {
                return terminal.transcript;
            }

            @Override
            public void type(String text) throws Exception {
                terminal.type(text);
            }

            @Override
            public void close() throws Exception {
                machine.close();
            }
        };
    }

    private static Console qemu(StorageGuest guest, Path raw, Path vmdk) throws IOException {
        Process p = new ProcessBuilder("qemu-system-i386", "-accel", "tcg", "-m", "256", "-display", "none",
                "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-kernel", guest.linux().kernel().toString(), "-initrd", guest.linux().initrd().toString(),
                "-append", COMMAND_LINE,
                "-drive", "file=" + raw + ",format=raw,if=ide,index=0",
                "-drive", "file=" + vmdk + ",format=vmdk,if=ide,index=1").redirectErrorStream(true).start();
        SerialTranscript transcript = new SerialTranscript(4 << 20);
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    transcript.append(buf, 0, n);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "qemu-serial");
        reader.setDaemon(true);
        reader.start();
        OutputStream keys = p.getOutputStream();
        return new Console() {
            @Override
            public SerialTranscript transcript() {
                return transcript;
            }

            @Override
            public void type(String text) throws IOException {
                keys.write(text.getBytes(StandardCharsets.US_ASCII));
                keys.flush();
            }

            @Override
            public void close() throws InterruptedException {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        };
    }
}
