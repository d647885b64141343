package org.quasivm.disk.ova;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.Cancellation;
import org.quasivm.disk.CreateOptions;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.convert.ConvertOptions;
import org.quasivm.disk.testing.DeviceBytes;
import org.quasivm.disk.testing.QemuImg;
import org.quasivm.disk.testing.RandomDisk;

/** OVA/OVF import of VirtualBox- and VMware-style packages (real tar, real qemu-img disks) and export. */
class AppliancesTest {
    private static final long DISK = 8L << 20;

    @TempDir
    Path dir;

    private Path resource(String name, String as) throws Exception {
        Path p = dir.resolve(as);
        try (InputStream in = AppliancesTest.class.getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    /** A streamOptimized VMDK made by qemu-img from random data; returns the data. */
    private byte[] vmdk(Path out) throws Exception {
        Path raw = dir.resolve("disk-" + out.getFileName() + ".raw");
        byte[] content = RandomDisk.write(raw, DISK, 77);
        QemuImg.convertFromRaw(raw, out, "vmdk", "subformat=streamOptimized");
        return content;
    }

    private static String hex(String alg, Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(Files.readAllBytes(p)));
    }

    private void tar(Path ova, String... names) {
        String[] cmd = new String[5 + names.length];
        cmd[0] = "tar";
        cmd[1] = "--format=ustar";
        cmd[2] = "-C";
        cmd[3] = dir.toString();
        cmd[4] = "-cf" + ova;
        System.arraycopy(names, 0, cmd, 5, names.length);
        QemuImg.run(cmd).requireSuccess();
    }

    private static byte[] read(Path image) throws Exception {
        try (DiskImage d = DiskImages.open(image)) {
            return DeviceBytes.readAll(d);
        }
    }

    private ImportedAppliance importInto(Path source, ImageFormat f) throws Exception {
        Path dest = Files.createDirectories(dir.resolve("vm"));
        return Appliances.importAppliance(source, dest, null, ConvertOptions.to(f, null), ProgressListener.NONE,
                Cancellation.NEVER);
    }

    private Path virtualBoxOva() throws Exception {
        resource("virtualbox-style.ovf", "Debian Test.ovf");
        vmdk(dir.resolve("Debian Test-disk001.vmdk"));
        String mf = "SHA1 (Debian Test.ovf) = " + hex("SHA-1", dir.resolve("Debian Test.ovf")) + "\n"
                + "SHA1 (Debian Test-disk001.vmdk) = " + hex("SHA-1", dir.resolve("Debian Test-disk001.vmdk")) + "\n";
        Files.writeString(dir.resolve("Debian Test.mf"), mf);
        Path ova = dir.resolve("debian.ova");
        tar(ova, "Debian Test.ovf", "Debian Test-disk001.vmdk", "Debian Test.mf");
        return ova;
    }

    private Path vmwareFiles() throws Exception {
        resource("vmware-style.ovf", "photon.ovf");
        vmdk(dir.resolve("photon-disk1.vmdk"));
        Files.writeString(dir.resolve("photon.mf"), "SHA256(photon.ovf)= " + hex("SHA-256", dir.resolve("photon.ovf"))
                + "\nSHA256(photon-disk1.vmdk)= " + hex("SHA-256", dir.resolve("photon-disk1.vmdk")) + "\n");
        return dir.resolve("photon.ovf");
    }

    @Test
    void virtualBoxStyleOvaImportsWithItsSettingsAndDisk() throws Exception {
        Path ova = virtualBoxOva();
        byte[] expected = read(dir.resolve("Debian Test-disk001.vmdk"));
        ImportedAppliance r = importInto(ova, ImageFormat.QCOW2);
        OvfAppliance a = r.appliance();
        assertEquals("Debian Test", a.name());
        assertEquals("Debian_64", a.osType());
        assertEquals(96, a.cimOsId());
        assertEquals(2048, a.memoryMiB());
        assertEquals(2, a.cpus());
        assertEquals(1, a.disks().size());
        assertEquals("SATA", a.disks().get(0).controller());
        assertEquals(DISK, a.disks().get(0).capacityBytes());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("network adapter 1 (E1000) on network 'NAT'")),
                r.warnings().toString());
        assertEquals(List.of(dir.resolve("vm/Debian_Test-disk1.qcow2")), r.diskImages());
        assertArrayEquals(expected, read(r.diskImages().get(0)));
        assertEquals(0, QemuImg.check(r.diskImages().get(0), "qcow2").exitCode());
    }

    @Test
    void vmwareStyleOvaImportsWithItsSettingsAndDisk() throws Exception {
        vmwareFiles();
        Path ova = dir.resolve("photon.ova");
        tar(ova, "photon.ovf", "photon.mf", "photon-disk1.vmdk");
        ImportedAppliance r = importInto(ova, ImageFormat.VMDK);
        OvfAppliance a = r.appliance();
        assertEquals("photon", a.name());
        assertEquals("other3xLinux64Guest", a.osType());
        assertEquals(1024, a.memoryMiB());
        assertEquals(4, a.cpus());
        assertEquals(DISK, a.disks().get(0).capacityBytes());
        assertEquals("SCSI", a.disks().get(0).controller());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("SCSI controller")), r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("(VmxNet3) on network 'VM Network'")));
        assertArrayEquals(read(dir.resolve("photon-disk1.vmdk")), read(r.diskImages().get(0)));
    }

    @Test
    void ovfWithItsFilesInAFolderImports() throws Exception {
        Path ovf = vmwareFiles();
        ImportedAppliance r = importInto(ovf, ImageFormat.VDI);
        assertArrayEquals(read(dir.resolve("photon-disk1.vmdk")), read(r.diskImages().get(0)));
        assertEquals(0, QemuImg.check(r.diskImages().get(0), "vdi").exitCode());
    }

    @Test
    void gzipCompressedDiskFileIsDecompressedAndVerifiedAsStored() throws Exception {
        Path ovf = vmwareFiles();
        byte[] plain = read(dir.resolve("photon-disk1.vmdk"));
        Path gz = dir.resolve("photon-disk1.vmdk.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(dir.resolve("photon-disk1.vmdk"), o);
        }
        String xml = Files.readString(ovf).replace("ovf:href=\"photon-disk1.vmdk\"",
                "ovf:href=\"photon-disk1.vmdk.gz\" ovf:compression=\"gzip\"");
        Files.writeString(ovf, xml);
        Files.writeString(dir.resolve("photon.mf"), "SHA256(photon.ovf)= " + hex("SHA-256", ovf)
                + "\nSHA256(photon-disk1.vmdk.gz)= " + hex("SHA-256", gz) + "\n");
        Path ova = dir.resolve("gz.ova");
        tar(ova, "photon.ovf", "photon.mf", "photon-disk1.vmdk.gz");
        ImportedAppliance r = importInto(ova, ImageFormat.RAW);
        assertArrayEquals(plain, read(r.diskImages().get(0)));
    }

    @Test
    void alteredDiskFailsTheManifestAndLeavesNothing() throws Exception {
        vmwareFiles();
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("photon-disk1.vmdk"),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {42}), 70000);
        }
        Path ova = dir.resolve("photon.ova");
        tar(ova, "photon.ovf", "photon.mf", "photon-disk1.vmdk");
        DiskImageException e = assertThrows(DiskImageException.class, () -> importInto(ova, ImageFormat.QCOW2));
        assertEquals("photon.ova: photon-disk1.vmdk: SHA-256 digest does not match the manifest"
                + " (corrupt or altered package)", e.getMessage());
        try (Stream<Path> s = Files.list(dir.resolve("vm"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void entryNamesWithPathsAreRefused() throws Exception {
        Path ova = dir.resolve("evil.ova");
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(Files.newOutputStream(ova))) {
            byte[] x = "<Envelope/>".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry("../../evil.ovf");
            e.setSize(x.length);
            t.putArchiveEntry(e);
            t.write(x);
            t.closeArchiveEntry();
        }
        DiskImageException e = assertThrows(DiskImageException.class, () -> Appliances.describe(ova));
        assertTrue(e.getMessage().contains("is not a plain file name"), e.getMessage());
    }

    @Test
    void envelopeWithADoctypeIsRefused() throws Exception {
        Path ovf = dir.resolve("x.ovf");
        Files.writeString(ovf, "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Envelope>&x;</Envelope>");
        DiskImageException e = assertThrows(DiskImageException.class, () -> Appliances.describe(ovf));
        assertTrue(e.getMessage().startsWith("x.ovf: OVF descriptor is not valid XML"), e.getMessage());
    }

    @Test
    void exportWritesAnOvaThatQemuAndOurImportReadBack() throws Exception {
        Path a = dir.resolve("a.qcow2");
        Path rawA = dir.resolve("a.raw");
        byte[] contentA = RandomDisk.write(rawA, DISK, 5);
        QemuImg.convertFromRaw(rawA, a, "qcow2", "");
        Path b = dir.resolve("b.img");
        byte[] contentB = RandomDisk.write(b, 3L << 20, 6);
        Path ova = dir.resolve("out.ova");
        ExportSpec spec = new ExportSpec("My VM", 512, 2, "Debian_64",
                List.of(new ExportSpec.Disk(a, null), new ExportSpec.Disk(b, ImageFormat.RAW)));
        Appliances.exportAppliance(spec, ova, ProgressListener.NONE, Cancellation.NEVER);

        String listing = QemuImg.run("tar", "-tf", ova.toString()).requireSuccess().output();
        assertEquals(List.of("My_VM.ovf", "My_VM.mf", "My_VM-disk1.vmdk", "My_VM-disk2.vmdk"),
                listing.lines().toList());
        Path x = Files.createDirectories(dir.resolve("x"));
        QemuImg.run("tar", "-xf", ova.toString(), "-C", x.toString()).requireSuccess();
        assertEquals(0, QemuImg.check(x.resolve("My_VM-disk1.vmdk"), "vmdk").exitCode());
        assertEquals(0, QemuImg.compareWithRaw(rawA, x.resolve("My_VM-disk1.vmdk"), "vmdk").exitCode());
        assertEquals(0, QemuImg.compareWithRaw(b, x.resolve("My_VM-disk2.vmdk"), "vmdk").exitCode());
        assertTrue(Files.readString(x.resolve("My_VM.mf")).startsWith("SHA256(My_VM.ovf)= "));

        ImportedAppliance r = importInto(ova, ImageFormat.QCOW2);
        assertEquals("My VM", r.appliance().name());
        assertEquals(512, r.appliance().memoryMiB());
        assertEquals(2, r.appliance().cpus());
        assertEquals("Debian_64", r.appliance().osType());
        assertEquals(96, r.appliance().cimOsId());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        assertArrayEquals(contentA, read(r.diskImages().get(0)));
        assertArrayEquals(contentB, read(r.diskImages().get(1)));
    }

    @Test
    void cancelledImportLeavesNothingBehind() throws Exception {
        Path ova = virtualBoxOva();
        Cancellation c = new Cancellation();
        Path dest = Files.createDirectories(dir.resolve("vm"));
        assertThrows(Cancellation.Cancelled.class, () -> Appliances.importAppliance(ova, dest, null,
                ConvertOptions.to(ImageFormat.QCOW2, null), (d, t) -> c.cancel(), c));
        try (Stream<Path> s = Files.list(dest)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void blankDiskWithoutAFileIsCreatedEmpty() throws Exception {
        Path ovf = vmwareFiles();
        Files.writeString(ovf, Files.readString(ovf).replace(" ovf:fileRef=\"file1\"", ""));
        Files.writeString(dir.resolve("photon.mf"), "SHA256(photon.ovf)= " + hex("SHA-256", ovf) + "\n");
        ImportedAppliance r = importInto(ovf, ImageFormat.QCOW2);
        try (DiskImage d = DiskImages.open(r.diskImages().get(0))) {
            assertEquals(DISK, d.size());
            assertEquals(0, d.allocatedBytes());
        }
        DiskImages.create(dir.resolve("unused.qcow2"), CreateOptions.of(ImageFormat.QCOW2, 1 << 20)).close();
    }
}
