package org.quasivm.disk.ova;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.convert.ConvertOptions;
import org.quasivm.disk.convert.Converter;
import org.quasivm.disk.io.AtomicFile;

/**
 * Exports a VM as an .ova: each disk converted to a streamOptimized VMDK (deflated on all cores), an OVF 1.0
 * envelope in the style VirtualBox and VMware export, and a SHA-256 manifest; packed as a POSIX tar with the
 * descriptor first and the manifest right after it. The .ova appears only when complete.
 */
final class ApplianceExport {
    static final int MAX_DISKS = 4;

    private ApplianceExport() {
    }

    static void run(ExportSpec spec, Path ova, ProgressListener progress, Cancellation cancel) throws IOException {
        validate(spec, ova);
        Path target = ova.toAbsolutePath();
        if (Files.exists(target)) {
            throw new DiskImageException(target, "file already exists",
                    new java.nio.file.FileAlreadyExistsException(target.toString()));
        }
        String base = ApplianceImport.sanitize(spec.vmName());
        Path staging = target.resolveSibling("." + target.getFileName() + ".staging");
        ApplianceImport.deleteRecursively(staging);
        Files.createDirectories(staging);
        try {
            long total = 0;
            List<Long> sizes = new ArrayList<>();
            for (ExportSpec.Disk d : spec.disks()) {
                try (DiskImage img = DiskImages.open(d.path(), OpenOptions.readOnly().withFormat(d.format()))) {
                    sizes.add(img.size());
                    total += img.size();
                }
            }
            List<Path> vmdks = new ArrayList<>();
            long done = 0;
            for (int i = 0; i < spec.disks().size(); i++) {
                ExportSpec.Disk d = spec.disks().get(i);
                Path vmdk = staging.resolve(base + "-disk" + (i + 1) + ".vmdk");
                long base0 = done;
                long all = total;
                Converter.convert(d.path(), d.format(), vmdk, ConvertOptions.to(ImageFormat.VMDK, "streamOptimized"),
                        (x, t) -> progress.progress(base0 + x, all), cancel);
                vmdks.add(vmdk);
                done += sizes.get(i);
            }
            List<OvfWriter.Disk> disks = new ArrayList<>();
            StringBuilder mf = new StringBuilder();
            List<String> mfLines = new ArrayList<>();
            for (int i = 0; i < vmdks.size(); i++) {
                Path v = vmdks.get(i);
                disks.add(new OvfWriter.Disk(v.getFileName().toString(), Files.size(v), sizes.get(i),
                        allocated(v)));
                mfLines.add(Manifest.line("SHA256", v.getFileName().toString(), sha256(v, cancel)));
            }
            byte[] ovf = OvfWriter.write(spec, disks).getBytes(StandardCharsets.UTF_8);
            String ovfName = base + ".ovf";
            mf.append(Manifest.line("SHA256", ovfName, Manifest.newDigest("SHA256").digest(ovf)));
            mfLines.forEach(mf::append);
            byte[] mfBytes = mf.toString().getBytes(StandardCharsets.UTF_8);
            Path tmp = AtomicFile.temporarySibling(target);
            Files.deleteIfExists(tmp);
            boolean ok = false;
            try {
                try (OutputStream out = Files.newOutputStream(tmp);
                     TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 10240, StandardCharsets.UTF_8.name())) {
                    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                    putBytes(tar, ovfName, ovf);
                    putBytes(tar, base + ".mf", mfBytes);
                    for (Path v : vmdks) {
                        cancel.check(target);
                        TarArchiveEntry e = new TarArchiveEntry(v.getFileName().toString());
                        e.setSize(Files.size(v));
                        tar.putArchiveEntry(e);
                        try (InputStream in = Files.newInputStream(v)) {
                            in.transferTo(tar);
                        }
                        tar.closeArchiveEntry();
                    }
                    tar.finish();
                }
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                AtomicFile.commit(tmp, target);
                ok = true;
            } finally {
                if (!ok) {
                    Files.deleteIfExists(tmp);
                }
            }
            progress.progress(total, total);
        } finally {
            ApplianceImport.deleteRecursively(staging);
        }
    }

    private static void validate(ExportSpec spec, Path ova) throws DiskImageException {
        if (spec.vmName() == null || spec.vmName().isBlank()) {
            throw new DiskImageException(ova, "export needs a VM name");
        }
        if (spec.memoryMiB() <= 0 || spec.memoryMiB() > (1L << 30)) {
            throw new DiskImageException(ova, "memory " + spec.memoryMiB() + " MiB is out of range");
        }
        if (spec.cpus() <= 0 || spec.cpus() > 1024) {
            throw new DiskImageException(ova, "CPU count " + spec.cpus() + " is out of range");
        }
        if (spec.disks().isEmpty() || spec.disks().size() > MAX_DISKS) {
            throw new DiskImageException(ova, "export needs 1 to " + MAX_DISKS + " disks (IDE), got "
                    + spec.disks().size());
        }
    }

    private static long allocated(Path vmdk) throws IOException {
        try (DiskImage d = DiskImages.open(vmdk)) {
            return d.allocatedBytes();
        }
    }

    private static byte[] sha256(Path p, Cancellation cancel) throws IOException {
        MessageDigest md = Manifest.newDigest("SHA256");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(p)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
                cancel.check(p);
            }
        }
        return md.digest();
    }

    private static void putBytes(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
