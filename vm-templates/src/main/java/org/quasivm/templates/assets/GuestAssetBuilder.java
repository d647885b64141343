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
 * static i386 busybox and the kernel's storage modules, with an init that mounts /proc, /sys and /dev, loads the
 * modules and starts a shell on the console. {@link #storageGuest()} also puts that guest on boot media: a hard
 * disk (VMDK and VHD), a CD image, and a floppy with known files.
 */
public final class GuestAssetBuilder {

    /** Bump when the initramfs layout or init changes, so cached images are rebuilt. */
    static final int INITRAMFS_LAYOUT = 2;
    /** Bump when the boot media change, so cached media are rebuilt. */
    static final int MEDIA_LAYOUT = 3;
    /** What the storage tests need: PIIX IDE, SCSI disks and CD-ROMs, ISO 9660, FAT, floppy; dependencies follow. */
    static final List<String> STORAGE_MODULES = List.of("ata_piix", "sd_mod", "sr_mod", "isofs", "vfat",
            "nls_cp437", "nls_ascii", "nls_utf8", "nls_iso8859-1", "floppy");
    /**
     * The kernel command line the boot media pass. {@code cryptomgr.notests} skips the kernel's crypto self-tests,
     * some 3 billion instructions of pure CPU work that would otherwise be most of a boot on the software CPU.
     * {@code nmi_watchdog=0}: the NMI watchdog is a performance-counter event, and the software CPU's P6 counters
     * are storage only (they count nothing), so the watchdog could never fire; it is off rather than pretending.
     * (It used to be needed: before RDPMC was implemented, stopping the watchdog at power-off raised #GP.)
     */
    public static final String MEDIA_COMMAND_LINE = "console=ttyS0 panic=-1 cryptomgr.notests nmi_watchdog=0";
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

    /** The busybox guest on a bootable disk (VMDK, VHD) and CD image, and the test floppy; built once, cached. */
    public StorageGuest storageGuest() throws AssetException {
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw new AssetException("cannot create the cache directory " + cache + ": " + e.getMessage(), e);
        }
        try (FileChannel lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             var lock = lockFile.lock()) {
            LinuxGuest linux = build();
            Path out = linux.initrd().getParent();
            StorageGuest guest = new StorageGuest(linux, out.resolve("boot-disk.vmdk"), out.resolve("boot-disk.vhd"),
                    out.resolve("boot.iso"), out.resolve("floppy-1440.img"), MEDIA_COMMAND_LINE);
            Path stamp = out.resolve("media.stamp");
            String inputs = "layout " + MEDIA_LAYOUT + "\ncommand line " + MEDIA_COMMAND_LINE + "\nkernel " + linux.kernel() + " " + Files.size(linux.kernel())
                    + "\ninitrd " + Files.size(linux.initrd()) + " " + Files.getLastModifiedTime(linux.initrd()) + "\n";
            boolean fresh = Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(inputs)
                    && Files.isRegularFile(guest.diskVmdk()) && Files.isRegularFile(guest.diskVhd())
                    && Files.isRegularFile(guest.iso()) && Files.isRegularFile(guest.floppy());
            if (!fresh) {
                Files.deleteIfExists(stamp);
                Path work = Files.createDirectories(out.resolve("work"));
                log.accept("building the boot disk (VMDK, VHD), the boot CD image and the test floppy");
                BootDisk.build(linux.kernel(), linux.initrd(), MEDIA_COMMAND_LINE, work, guest.diskVmdk(),
                        guest.diskVhd());
                BootIso.build(linux.kernel(), linux.initrd(), MEDIA_COMMAND_LINE, work, guest.iso());
                FloppyImage.build(work, guest.floppy());
                DebianPackages.deleteTree(work);
                Files.writeString(stamp, inputs, StandardCharsets.UTF_8);
            }
            return guest;
        } catch (IOException e) {
            throw new AssetException("cannot build the boot media in " + cache + ": " + e.getMessage(), e);
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

        // one directory per layout: checkouts of different QuasiVM versions share a cache without undoing each other
        Path out = Files.createDirectories(cache.resolve("guests").resolve("linux-i386-busybox-layout"
                + INITRAMFS_LAYOUT));
        Path initrd = out.resolve("initrd-busybox.gz");
        Path stamp = out.resolve("initrd-busybox.stamp");
        String inputs = "layout " + INITRAMFS_LAYOUT + "\nbusybox " + busyboxDeb.getFileName() + "\nkernel "
                + kernelPackage + "\n";
        if (!Files.isRegularFile(initrd) || !Files.isRegularFile(stamp)
                || !Files.readString(stamp, StandardCharsets.UTF_8).equals(inputs)) {
            log.accept("building the busybox initramfs with the storage modules");
            KernelModules modules = new KernelModules(kernelTree.resolve("lib/modules").resolve(release),
                    out.resolve("modules-scratch"));
            busyboxInitramfs(Files.readAllBytes(busybox), release, modules.resolve(STORAGE_MODULES))
                    .writeGzip(initrd);
            Files.writeString(stamp, inputs, StandardCharsets.UTF_8);
        }
        return new LinuxGuest(kernel, initrd, release, READY_LINE, PROMPT);
    }

    static Initramfs busyboxInitramfs(byte[] busybox, String release, List<KernelModules.Module> modules)
            throws IOException {
        Initramfs fs = new Initramfs();
        for (String dir : new String[] {"bin", "dev", "etc", "mnt", "proc", "root", "sys", "tmp"}) {
            fs.directory(dir);
        }
        if (!modules.isEmpty()) {
            java.util.Set<String> dirs = new java.util.TreeSet<>();
            StringBuilder order = new StringBuilder();
            for (KernelModules.Module m : modules) {
                String path = "lib/modules/" + release + "/" + m.relativePath();
                for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                    dirs.add(path.substring(0, slash));
                }
                order.append(m.relativePath()).append('\n');
            }
            dirs.forEach(fs::directory);
            for (KernelModules.Module m : modules) {
                fs.file("lib/modules/" + release + "/" + m.relativePath(), 0644, m.bytes());
            }
            fs.file("etc/modules", 0644, order.toString().getBytes(StandardCharsets.UTF_8));
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
