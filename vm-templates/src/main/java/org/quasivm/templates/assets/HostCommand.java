package org.quasivm.templates.assets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (apt-get, dpkg-deb) and returns its output, or fails with the tool's own words. */
final class HostCommand {

    private HostCommand() {
    }

    record Result(int exitCode, String output) { }

    static Result run(Path workDir, long timeoutSeconds, List<String> command) throws AssetException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssetException(command.get(0) + " is not available (" + e.getMessage()
                    + "); building guest material needs Debian's apt-get and dpkg-deb");
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssetException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssetException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssetException(String.join(" ", command) + " was interrupted", e);
        }
    }

    /** Runs {@code command} with its standard output going to {@code output} (binary-safe); fails on exit != 0. */
    static void runToFile(Path workDir, long timeoutSeconds, List<String> command, Path output)
            throws AssetException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new AssetException(command.get(0) + " is not available (" + e.getMessage() + ")");
        }
        try {
            p.getOutputStream().close();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssetException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new AssetException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + lastLines(err, 4));
            }
        } catch (IOException e) {
            throw new AssetException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssetException(String.join(" ", command) + " was interrupted", e);
        }
    }

    static String require(Path workDir, long timeoutSeconds, List<String> command) throws AssetException {
        Result r = run(workDir, timeoutSeconds, command);
        if (r.exitCode() != 0) {
            throw new AssetException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): "
                    + lastLines(r.output(), 6));
        }
        return r.output();
    }

    static String lastLines(String text, int n) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
