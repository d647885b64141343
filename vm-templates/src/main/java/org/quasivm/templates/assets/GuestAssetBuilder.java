package org.quasivm.templates.assets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds guest material from Debian packages only ({@code apt-get download} + {@code dpkg-deb -x}), cached in the
 * user's cache directory: the kernel that {@code linux-image-686:i386} depends on, and an initramfs holding Debian's
 * static i386 busybox with an init that mounts /proc, /sys and /dev and starts a shell on the console.
 */
public final class GuestAssetBuilder {

    /** Bump when the initramfs layout or init changes, so cached images are rebuilt. */
    static final int INITRAMFS_LAYOUT = 1;
    public static final String READY_LINE = "QuasiVM guest: busybox initramfs up";
    public static final String PROMPT = "quasivm:";

    private final Path cache;
    private final Consumer<String> log;

    public GuestAssetBuilder(Path cache, Consumer<String> log) {
        this.cache = cache.toAbsolutePath().normalize();
        this.log = log;
    }

    /** The i686 kernel with the busybox initramfs, downloading and building what the cache lacks. */
    public LinuxGuest linuxBusybox() throws AssetException {
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw new AssetException("cannot create the cache directory " + cache + ": " + e.getMessage(), e);
        }
        // One builder at a time per cache, across processes.
        try (FileChannel lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             var lock = lockFile.lock()) {
            return build();
        } catch (IOException e) {
            throw new AssetException("cannot lock " + cache.resolve(".lock") + ": " + e.getMessage(), e);
        }
    }

    private LinuxGuest build() throws AssetException, IOException {
        DebianPackages debian = new DebianPackages(cache, log);
        String kernelPackage = debian.dependencyOf("linux-image-686:i386", "linux-image-");
        Path kernelTree = debian.extract(debian.download(kernelPackage));
        Path busyboxDeb = debian.download("busybox-static:i386");
        Path busyboxTree = debian.extract(busyboxDeb);

        Path kernel = single(kernelTree.resolve("boot"), "vmlinuz-*");
        String release = kernel.getFileName().toString().substring("vmlinuz-".length());
        Path busybox = busyboxTree.resolve("bin/busybox");
        if (!Files.isRegularFile(busybox)) {
            throw new AssetException(busyboxDeb + " has no bin/busybox");
        }

        Path out = Files.createDirectories(cache.resolve("guests").resolve("linux-i386-busybox"));
        Path initrd = out.resolve("initrd-busybox.gz");
        Path stamp = out.resolve("initrd-busybox.stamp");
        String inputs = "layout " + INITRAMFS_LAYOUT + "\nbusybox " + busyboxDeb.getFileName() + "\n";
        if (!Files.isRegularFile(initrd) || !Files.isRegularFile(stamp)
                || !Files.readString(stamp, StandardCharsets.UTF_8).equals(inputs)) {
            log.accept("building the busybox initramfs");
            busyboxInitramfs(Files.readAllBytes(busybox)).writeGzip(initrd);
            Files.writeString(stamp, inputs, StandardCharsets.UTF_8);
        }
        return new LinuxGuest(kernel, initrd, release, READY_LINE, PROMPT);
    }

    static Initramfs busyboxInitramfs(byte[] busybox) throws IOException {
        Initramfs fs = new Initramfs();
        for (String dir : new String[] {"bin", "dev", "etc", "proc", "root", "sys", "tmp"}) {
            fs.directory(dir);
        }
        // The kernel opens /dev/console before running init; without it init has no stdin/stdout.
        fs.characterDevice("dev/console", 0600, 5, 1);
        fs.file("bin/busybox", 0755, busybox);
        fs.symlink("bin/sh", "busybox");
        fs.file("etc/profile", 0644, resource("profile"));
        fs.file("init", 0755, resource("busybox-init.sh"));
        return fs;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GuestAssetBuilder.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static Path single(Path dir, String glob) throws AssetException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(found::add);
        } catch (IOException e) {
            throw new AssetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (found.size() != 1) {
            throw new AssetException(dir + " should hold exactly one " + glob + ", found " + found.size());
        }
        return found.get(0);
    }
}
