package org.quasivm.vmm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.templates.assets.AssetException;
import org.quasivm.templates.assets.CacheDirectory;
import org.quasivm.templates.assets.GuestAssetBuilder;
import org.quasivm.templates.assets.LinuxGuest;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.uart.NullSerialBackend;
import org.quasivm.vmm.devices.uart.SerialTranscript;
import org.quasivm.vmm.devices.uart.TeeSerialBackend;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "boot", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Wall time from power-on to the busybox shell prompt of the demo guest (Debian's i686 kernel and the "
                    + "busybox initramfs, direct Linux boot, no BIOS): QuasiVM's software executor in this process "
                    + "against qemu-system-i386 -accel tcg (Debian qemu-system-x86) with the same kernel, initramfs, "
                    + "memory and command line.",
            "",
            "The two run interleaved, --runs times each; each run prints both times and the ratio QuasiVM / QEMU "
                    + "(below 1: QuasiVM is faster), then the medians with their spread and the load average. The "
                    + "first run includes the JIT warming up the interpreter, as a user's boot does."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm bench boot --runs 3",
            "  quasivm bench boot --runs 1 --append 'console=ttyS0 panic=-1 cryptomgr.notests'"})
final class BenchBootCommand implements Callable<Integer> {

    private static final Duration LIMIT = Duration.ofMinutes(20);

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "Boots per side (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--memory", paramLabel = "MiB", defaultValue = "256",
            description = "Guest memory for both (default: ${DEFAULT-VALUE}).")
    int memoryMiB;

    @Option(names = "--append", paramLabel = "CMDLINE", defaultValue = "console=ttyS0 panic=-1",
            description = "Kernel command line for both (default: ${DEFAULT-VALUE}).")
    String commandLine;

    @Option(names = "--clock", paramLabel = "realtime|deterministic", defaultValue = "realtime",
            description = "QuasiVM's clock (default: ${DEFAULT-VALUE}).")
    String clock;

    @Option(names = "--qemu", paramLabel = "PROGRAM", defaultValue = "qemu-system-i386",
            description = "The peer (default: ${DEFAULT-VALUE}).")
    String qemu;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || memoryMiB < 16) {
            throw new CliFailure(ExitCodes.USAGE, "--runs must be at least 1 and --memory at least 16");
        }
        ClockMode mode = switch (clock) {
            case "realtime" -> ClockMode.REALTIME;
            case "deterministic" -> ClockMode.DETERMINISTIC;
            default -> throw new CliFailure(ExitCodes.USAGE, "--clock: realtime or deterministic, not " + clock);
        };
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LinuxGuest guest;
        try {
            guest = new GuestAssetBuilder(CacheDirectory.resolve(), line -> err.println("quasivm: " + line))
                    .linuxBusybox();
        } catch (AssetException e) {
            throw new CliFailure(ExitCodes.IO_ERROR, "cannot build the guest: " + e.getMessage());
        }
        out.printf(Locale.ROOT, "boot to the shell prompt: kernel %s, %d MiB, '%s', quasivm clock %s, load %s%n",
                guest.kernelRelease(), memoryMiB, commandLine, clock, loadAverage());
        List<Double> peer = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double q = qemuSeconds(guest);
            double v = quasiVmSeconds(guest, mode);
            peer.add(q);
            ours.add(v);
            out.printf(Locale.ROOT, "run %d: qemu-tcg %.2f s, quasivm %.2f s, ratio %.2f%n", i + 1, q, v, v / q);
            out.flush();
        }
        out.printf(Locale.ROOT, "median: qemu-tcg %.2f s [%.2f..%.2f], quasivm %.2f s [%.2f..%.2f], ratio %.2f%n",
                median(peer), Collections.min(peer), Collections.max(peer), median(ours), Collections.min(ours),
                Collections.max(ours), median(ours) / median(peer));
        out.println("load average at the end: " + loadAverage());
        return ExitCodes.OK;
    }

    private double quasiVmSeconds(LinuxGuest guest, ClockMode mode) throws Exception {
        SerialTranscript transcript = new SerialTranscript(1 << 20);
        BoardConfig config = BoardConfig.builder((long) memoryMiB << 20,
                        FirmwareImages.linux(guest.kernel(), guest.initrd(), commandLine)).clock(mode)
                .com1(new TeeSerialBackend(new NullSerialBackend(), transcript)).build();
        long t0 = System.nanoTime();
        try (Machine m = Machine.create(config, SoftwareExecutor::new, "bench-boot")) {
            m.start();
            if (transcript.awaitMatch(Pattern.compile(Pattern.quote(guest.prompt())), 0, LIMIT) == null) {
                throw new CliFailure(ExitCodes.IO_ERROR, "QuasiVM gave no prompt within " + LIMIT.toMinutes()
                        + " minutes; last lines: " + String.join(" | ", transcript.lastLines(5)));
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private double qemuSeconds(LinuxGuest guest) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(qemu, "-accel", "tcg", "-m", String.valueOf(memoryMiB), "-display", "none",
                    "-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", guest.kernel().toString(),
                    "-initrd", guest.initrd().toString(), "-append", commandLine).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.IO_ERROR, "cannot start " + qemu + " (Debian package qemu-system-x86): "
                    + e.getMessage());
        }
        long t0 = System.nanoTime();
        try (InputStream in = p.getInputStream()) {
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (seen.indexOf(guest.prompt()) >= 0) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                if (System.nanoTime() - t0 > LIMIT.toNanos()) {
                    break;
                }
            }
            String tail = seen.substring(Math.max(0, seen.length() - 300)).replaceAll("\\s+", " ");
            throw new CliFailure(ExitCodes.IO_ERROR, qemu + " gave no prompt; it printed last: " + tail);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
