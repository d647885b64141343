package org.quasivm.templates.assets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Debian packages fetched with {@code apt-get download} and unpacked with {@code dpkg-deb -x} into the cache, so that
 * guest material comes from Debian's own binaries and each package is downloaded once.
 */
final class DebianPackages {

    private static final String I386_HINT = "on Debian, as root: dpkg --add-architecture i386 && apt-get update";

    private final Path debs;
    private final Path extracted;
    private final Path resolved;
    private final Consumer<String> log;

    DebianPackages(Path cache, Consumer<String> log) throws IOException {
        this.debs = Files.createDirectories(cache.resolve("debs"));
        this.extracted = Files.createDirectories(cache.resolve("extracted"));
        this.resolved = Files.createDirectories(cache.resolve("resolved"));
        this.log = log;
    }

    /**
     * The package {@code metapackage} depends on whose name starts with {@code prefix} (the kernel behind
     * {@code linux-image-686:i386}). Remembered, so that a machine without network keeps using what it has.
     */
    String dependencyOf(String metapackage, String prefix) throws AssetException {
        Path memo = resolved.resolve(metapackage.replace(':', '_'));
        HostCommand.Result r = HostCommand.run(debs, 120, List.of("apt-cache", "depends", metapackage));
        if (r.exitCode() == 0) {
            String arch = metapackage.contains(":") ? metapackage.substring(metapackage.indexOf(':')) : "";
            for (String line : r.output().lines().toList()) {
                String t = line.trim();
                if (t.startsWith("Depends:")) {
                    String dep = t.substring("Depends:".length()).trim();
                    String name = dep.contains(":") ? dep.substring(0, dep.indexOf(':')) : dep;
                    if (name.startsWith(prefix)) {
                        String full = name + arch;
                        try {
                            Files.writeString(memo, full, StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new AssetException("cannot write " + memo + ": " + e.getMessage(), e);
                        }
                        return full;
                    }
                }
            }
        }
        if (Files.isRegularFile(memo)) {
            try {
                String remembered = Files.readString(memo, StandardCharsets.UTF_8).trim();
                log.accept("apt-cache could not resolve " + metapackage + "; using " + remembered + " as before");
                return remembered;
            } catch (IOException e) {
                throw new AssetException("cannot read " + memo + ": " + e.getMessage(), e);
            }
        }
        throw new AssetException("cannot resolve " + metapackage + " (" + HostCommand.lastLines(r.output(), 3)
                + "); " + I386_HINT);
    }

    /** The .deb of {@code package:arch}, downloaded unless the cache has it. */
    Path download(String packageWithArch) throws AssetException {
        String name = packageWithArch.contains(":") ? packageWithArch.substring(0, packageWithArch.indexOf(':'))
                : packageWithArch;
        String arch = packageWithArch.contains(":") ? packageWithArch.substring(packageWithArch.indexOf(':') + 1)
                : "*";
        Path cached = newest(name, arch);
        if (cached != null) {
            return cached;
        }
        log.accept("downloading " + packageWithArch + " from Debian");
        HostCommand.Result r = HostCommand.run(debs, 900, List.of("apt-get", "download", packageWithArch));
        Path got = newest(name, arch);
        if (r.exitCode() != 0 || got == null) {
            throw new AssetException("apt-get download " + packageWithArch + " failed: "
                    + HostCommand.lastLines(r.output(), 4) + "; " + I386_HINT);
        }
        return got;
    }

    /** The directory {@code deb} is unpacked into (done once; an interrupted unpack is redone). */
    Path extract(Path deb) throws AssetException {
        String stem = deb.getFileName().toString().replaceFirst("\\.deb$", "");
        Path dir = extracted.resolve(stem);
        if (Files.isRegularFile(dir.resolve(".complete"))) {
            return dir;
        }
        Path temp = extracted.resolve(".tmp-" + stem + "-" + ProcessHandle.current().pid());
        try {
            deleteTree(temp);
            deleteTree(dir);
            Files.createDirectories(temp);
            HostCommand.require(extracted, 600, List.of("dpkg-deb", "-x", deb.toString(), temp.toString()));
            Files.writeString(temp.resolve(".complete"), deb.getFileName().toString());
            Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new AssetException("cannot unpack " + deb + ": " + e.getMessage(), e);
        }
    }

    private Path newest(String name, String arch) throws AssetException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(debs, name + "_*_" + arch + ".deb")) {
            s.forEach(found::add);
        } catch (IOException e) {
            throw new AssetException("cannot list " + debs + ": " + e.getMessage(), e);
        }
        return found.stream().max(Comparator.comparing(p -> p.toFile().lastModified())).orElse(null);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
