package org.quasivm.vmm.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** qemu-img and qemu-io (Debian qemu-utils): the oracle the disk commands are judged against. */
final class QemuImgTool {

    record Result(int code, String output) {
        Result ok() {
            if (code != 0) {
                throw new AssertionError("qemu tool failed (" + code + "): " + output);
            }
            return this;
        }
    }

    private QemuImgTool() {
    }

    static Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + List.of(cmd));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + List.of(cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** qemu-img's name for a format ({@code vpc} for VHD). */
    static String qemuName(String format) {
        return format.equals("vhd") ? "vpc" : format;
    }

    static JsonNode info(Path image, String format) throws IOException {
        return new ObjectMapper().readTree(run("qemu-img", "info", "--output=json", "-f", qemuName(format),
                image.toString()).ok().output());
    }

    /** {@code qemu-img compare -f raw -F FORMAT}: exit 0 when the guest sees identical bytes. */
    static Result compareWithRaw(Path raw, Path image, String format) {
        return run("qemu-img", "compare", "-f", "raw", "-F", qemuName(format), raw.toString(), image.toString());
    }

    static void convertFromRaw(Path raw, Path out, String format, String... options) {
        String[] cmd = new String[8 + options.length];
        cmd[0] = "qemu-img";
        cmd[1] = "convert";
        cmd[2] = "-q";
        cmd[3] = "-f";
        cmd[4] = "raw";
        cmd[5] = "-O";
        cmd[6] = qemuName(format);
        System.arraycopy(options, 0, cmd, 7, options.length);
        cmd[7 + options.length] = raw.toString();
        String[] full = new String[cmd.length + 1];
        System.arraycopy(cmd, 0, full, 0, cmd.length);
        full[cmd.length] = out.toString();
        run(full).ok();
    }

    /**
     * A raw disk of {@code size} bytes (a multiple of 64 KiB) with random data in a third of its 64 KiB blocks,
     * the rest holes; returns its content.
     */
    static byte[] randomRaw(Path raw, int size, long seed) throws IOException {
        byte[] content = new byte[size];
        Random r = new Random(seed);
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int at = 0; at < size; at += 65536) {
                if (r.nextInt(3) == 0) {
                    byte[] b = new byte[65536];
                    r.nextBytes(b);
                    System.arraycopy(b, 0, content, at, b.length);
                    ch.write(ByteBuffer.wrap(b), at);
                }
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return content;
    }

    /** Overwrites bytes of a file (damaging an image on purpose). */
    static void patch(Path file, long at, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(bytes, at);
        }
    }
}
