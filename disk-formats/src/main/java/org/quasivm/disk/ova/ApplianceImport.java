package org.quasivm.disk.ova;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.convert.ConvertOptions;
import org.quasivm.disk.convert.Converter;

/**
 * Imports an .ova or an .ovf with its files: verifies every file the manifest lists (SHA-1/256/512), then
 * converts each disk into the chosen format. Disks must be self-contained (no parent images). Work happens in a
 * hidden staging folder; on failure or cancellation nothing is left in the destination.
 */
final class ApplianceImport {
    private static final int COPY_BUFFER = 1 << 20;

    private ApplianceImport() {
    }

    static OvfAppliance describe(Path source) throws IOException {
        try (PackageFiles pkg = PackageFiles.open(source)) {
            return OvfReader.parse(source, pkg.readAll(ovfName(pkg), OvfReader.MAX_OVF_BYTES)).appliance();
        }
    }

    private static String ovfName(PackageFiles pkg) throws DiskImageException {
        if (pkg instanceof PackageFiles.Directory) {
            return pkg.source.getFileName().toString();
        }
        for (String n : pkg.names()) {
            if (n.toLowerCase(Locale.ROOT).endsWith(".ovf")) {
                return n;
            }
        }
        throw new DiskImageException(pkg.source, "package holds no .ovf descriptor");
    }

    private static String manifestName(PackageFiles pkg, String ovf) {
        String base = ovf.substring(0, ovf.length() - 4) + ".mf";
        if (pkg instanceof PackageFiles.Directory d) {
            return d.exists(base) ? base : null;
        }
        for (String n : pkg.names()) {
            if (n.equalsIgnoreCase(base)) {
                return n;
            }
        }
        for (String n : pkg.names()) {
            if (n.toLowerCase(Locale.ROOT).endsWith(".mf")) {
                return n;
            }
        }
        return null;
    }

    static ImportedAppliance run(Path source, Path destDir, String baseName, ConvertOptions target,
                                 ProgressListener progress, Cancellation cancel) throws IOException {
        try (PackageFiles pkg = PackageFiles.open(source)) {
            String ovfName = ovfName(pkg);
            byte[] ovf = pkg.readAll(ovfName, OvfReader.MAX_OVF_BYTES);
            OvfReader.Envelope env = OvfReader.parse(source, ovf);
            OvfAppliance app = env.appliance();
            List<String> warnings = new ArrayList<>(app.warnings());
            Map<String, Manifest.Entry> manifest = null;
            String mfName = manifestName(pkg, ovfName);
            if (mfName == null) {
                warnings.add("the package has no manifest: its files were not verified");
            } else {
                manifest = Manifest.parse(source, pkg.readAll(mfName, Manifest.MAX_BYTES));
                verify(source, manifest, ovfName, ovf);
                for (String listed : manifest.keySet()) {
                    PackageFiles.checkName(source, listed);
                    pkg.size(listed); // a listed file must exist
                }
            }
            String base = baseName != null ? baseName : sanitize(app.name());
            String ext = extension(target.format());
            List<Path> outputs = new ArrayList<>();
            for (int i = 0; i < app.disks().size(); i++) {
                Path out = destDir.resolve(base + "-disk" + (i + 1) + ext);
                if (Files.exists(out)) {
                    throw new DiskImageException(out, "file already exists",
                    new java.nio.file.FileAlreadyExistsException(out.toString()));
                }
                outputs.add(out);
            }
            Map<String, OvfReader.FileRef> byHref = new HashMap<>();
            for (OvfReader.FileRef f : env.files().values()) {
                byHref.put(f.href(), f);
            }
            long total = 0;
            for (OvfDisk d : app.disks()) {
                total += d.capacityBytes() + (d.fileName() == null ? 0 : pkg.size(d.fileName()));
            }
            Path staging = destDir.resolve("." + base + ".import.partial");
            deleteRecursively(staging);
            Files.createDirectories(staging);
            List<Path> done = new ArrayList<>();
            boolean ok = false;
            try {
                long base0 = 0;
                for (int i = 0; i < app.disks().size(); i++) {
                    OvfDisk d = app.disks().get(i);
                    Path out = outputs.get(i);
                    if (d.fileName() == null) {
                        DiskImages.create(out, CreateOptions.of(target.format(), target.subformat(), d.capacityBytes()))
                                .close();
                    } else {
                        OvfReader.FileRef ref = byHref.get(d.fileName());
                        long stored = pkg.size(d.fileName());
                        Path image = obtain(pkg, d.fileName(), ref, manifest, staging, offset(progress, base0,
                                total), cancel);
                        base0 += stored;
                        convertDisk(source, image, d, out, target, offset(progress, base0, total), cancel);
                    }
                    done.add(out);
                    base0 += d.capacityBytes();
                    progress.progress(base0, total);
                }
                ok = true;
            } finally {
                deleteRecursively(staging);
                if (!ok) {
                    for (Path p : done) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return new ImportedAppliance(app, outputs, warnings);
        }
    }

    /** Returns the disk file on disk: the package's own file, or one extracted (gunzipped) while hashing. */
    private static Path obtain(PackageFiles pkg, String name, OvfReader.FileRef ref, Map<String, Manifest.Entry> mf,
                               Path staging, ProgressListener progress, Cancellation cancel) throws IOException {
        Manifest.Entry entry = mf == null ? null : mf.get(name);
        boolean gzip = ref != null && "gzip".equals(ref.compression());
        Path direct = pkg.directPath(name);
        if (direct != null && !gzip) {
            if (entry != null) {
                MessageDigest md = entry.newDigest();
                try (InputStream in = new DigestInputStream(Files.newInputStream(direct), md)) {
                    drain(in, progress, pkg.size(name), cancel, pkg.source);
                }
                check(pkg.source, entry, md.digest());
            }
            return direct;
        }
        Path out = staging.resolve(name);
        MessageDigest md = entry == null ? null : entry.newDigest();
        try (InputStream raw = pkg.open(name);
             InputStream hashed = md == null ? raw : new DigestInputStream(raw, md);
             InputStream in = gzip ? new GzipCompressorInputStream(hashed, true) : hashed;
             OutputStream o = Files.newOutputStream(out)) {
            byte[] buf = new byte[COPY_BUFFER];
            long n = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                o.write(buf, 0, r);
                n += r;
                progress.progress(Math.min(n, pkg.size(name)), pkg.size(name));
                cancel.check(pkg.source);
            }
            if (md != null && gzip) {
                hashed.transferTo(OutputStream.nullOutputStream()); // the digest covers the stored bytes
            }
        }
        if (md != null) {
            check(pkg.source, entry, md.digest());
        }
        return out;
    }

    private static void drain(InputStream in, ProgressListener progress, long total, Cancellation cancel, Path src)
            throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        long n = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            n += r;
            progress.progress(Math.min(n, total), total);
            cancel.check(src);
        }
    }

    private static void verify(Path source, Map<String, Manifest.Entry> mf, String name, byte[] content)
            throws DiskImageException {
        Manifest.Entry e = mf.get(name);
        if (e == null) {
            throw new DiskImageException(source, "the manifest does not list the descriptor " + name);
        }
        MessageDigest md = e.newDigest();
        check(source, e, md.digest(content));
    }

    private static void check(Path source, Manifest.Entry e, byte[] actual) throws DiskImageException {
        if (!Arrays.equals(e.digest(), actual)) {
            throw new DiskImageException(source, e.file() + ": " + e.displayName()
                    + " digest does not match the manifest (corrupt or altered package)");
        }
    }

    /** Converts one disk; the package's disks must not name parents (they would reach outside the package). */
    private static void convertDisk(Path source, Path image, OvfDisk d, Path out, ConvertOptions target,
                                    ProgressListener progress, Cancellation cancel) throws IOException {
        try (DiskImage in = DiskImages.open(image, OpenOptions.readOnly().layerOnly())) {
            if (in.parentLink() != null) {
                throw new DiskImageException(source, "disk " + d.fileName()
                        + " refers to a parent image; a package must be self-contained");
            }
            if (in.size() > d.capacityBytes()) {
                throw new DiskImageException(source, "disk " + d.fileName() + " is " + in.size()
                        + " bytes, larger than its declared capacity " + d.capacityBytes());
            }
            BlockDevice dev = in;
            Converter.convert(dev, out, target, progress, cancel);
            if (in.size() < d.capacityBytes()) {
                // The descriptor's capacity is the disk size (some exporters write a smaller image file).
                growTo(out, target.format(), d.capacityBytes());
            }
        }
    }

    private static void growTo(Path out, ImageFormat f, long size) throws IOException {
        if (f == ImageFormat.QCOW2 || f == ImageFormat.RAW || f == ImageFormat.VHD) {
            DiskImages.resize(out, f, size);
        }
    }

    private static ProgressListener offset(ProgressListener p, long base, long total) {
        return (done, t) -> p.progress(Math.min(total, base + done), total);
    }

    static String extension(ImageFormat f) {
        return switch (f) {
            case RAW -> ".img";
            case VMDK -> ".vmdk";
            case VHD -> ".vhd";
            case VDI -> ".vdi";
            case QCOW2 -> ".qcow2";
        };
    }

    static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        s = s.replaceAll("^[.]+", "_");
        return s.isEmpty() ? "appliance" : s.length() > 80 ? s.substring(0, 80) : s;
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(p)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path x : all) {
            Files.deleteIfExists(x);
        }
    }
}
