package org.quasivm.disk.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs qemu-img / qemu-io (Debian qemu-utils): the oracle the suite checks this module against. */
public final class QemuImg {
    public record Result(int exitCode, String output) {
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("qemu tool failed (" + exitCode + "): " + output);
            }
            return this;
        }
    }

    private QemuImg() {
    }

    public static Result run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** qemu-img convert -f raw -O fmt [-o opts] [extra...] src dst */
    public static void convertFromRaw(Path raw, Path out, String format, String options, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert", "-q", "-f", "raw", "-O", format));
        if (options != null && !options.isEmpty()) {
            cmd.add("-o");
            cmd.add(options);
        }
        cmd.addAll(List.of(extra));
        cmd.add(raw.toString());
        cmd.add(out.toString());
        run(cmd.toArray(String[]::new)).requireSuccess();
    }

    public static Result check(Path image, String format) {
        return run("qemu-img", "check", "-f", format, image.toString());
    }

    /** qemu-img compare -f raw -F fmt raw image; exit 0 means identical. */
    public static Result compareWithRaw(Path raw, Path image, String format) {
        return run("qemu-img", "compare", "-f", "raw", "-F", format, raw.toString(), image.toString());
    }

    public static Result io(Path image, String format, String command) {
        return run("qemu-io", "-f", format, "-c", command, image.toString());
    }
}
