package org.quasivm.vmm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.templates.assets.LinuxGuest;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.uart.NullSerialBackend;
import org.quasivm.vmm.devices.uart.SerialTranscript;
import org.quasivm.vmm.devices.uart.TeeSerialBackend;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.testing.DebianGuests;

/**
 * Wall time from power-on to the busybox shell prompt, direct Linux boot, QuasiVM's software executor against
 * {@code qemu-system-i386 -accel tcg} with the same kernel, initramfs, memory and command line, interleaved.
 *
 * <pre>
 * mvn -B -q -pl vmm-core -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp vmm-core/target/test-classes:vmm-core/target/classes:$(cat /tmp/cp.txt) \
 *     org.quasivm.vmm.bench.LinuxBootBenchmark [runs] [realtime|deterministic]
 * </pre>
 */
public final class LinuxBootBenchmark {

    static final String COMMAND_LINE = "console=ttyS0 panic=-1";
    static final String PROMPT = DebianGuests.PROMPT;
    static final int MEMORY_MIB = 256;
    static final Duration LIMIT = Duration.ofMinutes(20);

    private LinuxBootBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        ClockMode mode = args.length > 1 ? ClockMode.valueOf(args[1].toUpperCase(Locale.ROOT)) : ClockMode.REALTIME;
        LinuxGuest guest = DebianGuests.linux();
        List<Double> qemu = new ArrayList<>();
        List<Double> quasi = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double q = qemuSeconds(guest);
            double v = quasiSeconds(guest, mode);
            qemu.add(q);
            quasi.add(v);
            System.out.printf(Locale.ROOT, "run %d: qemu-tcg %.2f s, quasivm %.2f s (%s), ratio %.1f%n", i + 1, q, v,
                    mode, v / q);
        }
        System.out.printf(Locale.ROOT, "median: qemu-tcg %.2f s [%.2f..%.2f], quasivm %.2f s [%.2f..%.2f], ratio %.1f%n",
                median(qemu), Collections.min(qemu), Collections.max(qemu), median(quasi), Collections.min(quasi),
                Collections.max(quasi), median(quasi) / median(qemu));
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double quasiSeconds(LinuxGuest guest, ClockMode mode) throws Exception {
        SerialTranscript transcript = new SerialTranscript(1 << 20);
        BoardConfig config = BoardConfig.builder((long) MEMORY_MIB << 20,
                FirmwareImages.linux(guest.kernel(), guest.initrd(), COMMAND_LINE)).clock(mode)
                .com1(new TeeSerialBackend(new NullSerialBackend(), transcript)).build();
        long t0 = System.nanoTime();
        try (Machine m = Machine.create(config, SoftwareExecutor::new, "bench")) {
            m.start();
            if (transcript.awaitMatch(Pattern.compile(Pattern.quote(PROMPT)), 0, LIMIT) == null) {
                throw new IllegalStateException("no prompt within " + LIMIT + ": "
                        + String.join("\n", transcript.lastLines(20)));
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    static double qemuSeconds(LinuxGuest guest) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-system-i386", "-accel", "tcg", "-m", String.valueOf(MEMORY_MIB),
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                "-kernel", guest.kernel().toString(), "-initrd", guest.initrd().toString(), "-append", COMMAND_LINE).redirectErrorStream(true).start();
        long t0 = System.nanoTime();
        try (InputStream in = p.getInputStream()) {
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (seen.indexOf(PROMPT) >= 0) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                if (System.nanoTime() - t0 > LIMIT.toNanos()) {
                    break;
                }
            }
            throw new IllegalStateException("QEMU gave no prompt: " + seen.substring(Math.max(0, seen.length() - 2000)));
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
