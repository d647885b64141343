package org.quasivm.vmm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;

/** Real disk images for device tests: files made by qemu-img and opened through disk-formats. */
public final class TestImages {

    private TestImages() {
    }

    /** A raw file whose every 512-byte sector starts with its sector number and is filled with a pattern. */
    public static Path patternedRaw(Path dir, String name, long bytes) throws IOException {
        Path file = dir.resolve(name);
        byte[] all = new byte[(int) bytes];
        for (int i = 0; i < all.length; i++) {
            all[i] = pattern(i);
        }
        Files.write(file, all);
        return file;
    }

    /** The byte {@link #patternedRaw} put at {@code offset}. */
    public static byte pattern(long offset) {
        long sector = offset / 512;
        int within = (int) (offset % 512);
        if (within < 4) {
            return (byte) (sector >>> (8 * within));
        }
        return (byte) (offset * 31 + 7);
    }

    /** Converts {@code source} with qemu-img into {@code format} (qemu-img's name: vmdk, vpc, qcow2, raw). */
    public static Path qemuConvert(Path source, Path target, String format, String... options) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert", "-O", format));
        cmd.addAll(List.of(options));
        cmd.add(source.toString());
        cmd.add(target.toString());
        run(cmd);
        return target;
    }

    /** A new empty image made by qemu-img create. */
    public static Path qemuCreate(Path target, String format, long bytes, String... options) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", format));
        cmd.addAll(List.of(options));
        cmd.add(target.toString());
        cmd.add(Long.toString(bytes));
        run(cmd);
        return target;
    }

    public static boolean qemuImgAvailable() {
        try {
            Process p = new ProcessBuilder("qemu-img", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static DiskImage openWritable(Path file, ImageFormat format) throws IOException {
        return DiskImages.open(file, OpenOptions.readWrite().withFormat(format));
    }

    public static DiskImage openReadOnly(Path file, ImageFormat format) throws IOException {
        return DiskImages.open(file, OpenOptions.readOnly().withFormat(format));
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
