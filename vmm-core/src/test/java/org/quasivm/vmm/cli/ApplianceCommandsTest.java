package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.OpenOptions;

/**
 * {@code quasivm import} of the VirtualBox- and VMware-style OVF descriptors committed with disk-formats (disks made
 * by qemu-img, packed by GNU tar), and {@code quasivm export} judged by tar, sha256sum and qemu-img.
 */
class ApplianceCommandsTest {

    private static final int DISK = 8 << 20;

    @TempDir
    Path home;
    @TempDir
    Path work;

    private String h;
    private Path raw;

    @BeforeEach
    void setUp() throws Exception {
        h = home.toString();
        raw = work.resolve("disk.raw");
        QemuImgTool.randomRaw(raw, DISK, 5);
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private JsonNode show(String vm) throws Exception {
        return new ObjectMapper().readTree(ok("show", vm, "--json", "--home", h).out());
    }

    private Path descriptor(String name, String as) throws Exception {
        Path src = Path.of(System.getProperty("quasivm.repo.root"),
                "disk-formats/src/test/resources/org/quasivm/disk/ova", name);
        return Files.copy(src, work.resolve(as));
    }

    private static String hex(String algorithm, Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
    }

    private void tar(Path archive, String... names) {
        String[] cmd = new String[5 + names.length];
        cmd[0] = "tar";
        cmd[1] = "--format=ustar";
        cmd[2] = "-C";
        cmd[3] = work.toString();
        cmd[4] = "-cf" + archive;
        System.arraycopy(names, 0, cmd, 5, names.length);
        QemuImgTool.run(cmd).ok();
    }

    /** VirtualBox's layout: descriptor, disk, SHA-1 manifest, in one tar. */
    private Path virtualBoxOva() throws Exception {
        descriptor("virtualbox-style.ovf", "Debian Test.ovf");
        QemuImgTool.convertFromRaw(raw, work.resolve("Debian Test-disk001.vmdk"), "vmdk", "-o",
                "subformat=streamOptimized");
        Files.writeString(work.resolve("Debian Test.mf"),
                "SHA1 (Debian Test.ovf) = " + hex("SHA-1", work.resolve("Debian Test.ovf")) + "\n"
                + "SHA1 (Debian Test-disk001.vmdk) = " + hex("SHA-1", work.resolve("Debian Test-disk001.vmdk"))
                + "\n");
        Path ova = work.resolve("debian.ova");
        tar(ova, "Debian Test.ovf", "Debian Test-disk001.vmdk", "Debian Test.mf");
        return ova;
    }

    /** VMware's layout as files in a folder: descriptor, disk, SHA-256 manifest. */
    private Path vmwareOvf() throws Exception {
        Path ovf = descriptor("vmware-style.ovf", "photon.ovf");
        QemuImgTool.convertFromRaw(raw, work.resolve("photon-disk1.vmdk"), "vmdk", "-o",
                "subformat=streamOptimized");
        Files.writeString(work.resolve("photon.mf"), "SHA256(photon.ovf)= " + hex("SHA-256", ovf)
                + "\nSHA256(photon-disk1.vmdk)= " + hex("SHA-256", work.resolve("photon-disk1.vmdk")) + "\n");
        return ovf;
    }

    private List<String> homeListing() throws Exception {
        try (Stream<Path> s = Files.list(home)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".quasivm.lock")).toList();
        }
    }

    // ---- import --------------------------------------------------------------------------------------------------

    @Test
    void aVirtualBoxOvaBecomesAVmWithItsMemoryGuestAndDisk() throws Exception {
        Cli.Result r = ok("import", virtualBoxOva().toString(), "--home", h);
        JsonNode d = show("Debian_Test");
        assertEquals("linux-x86_64", d.get("guestOs").asText());
        assertEquals(2048, d.get("memoryMiB").asInt());
        assertEquals("disks/Debian_Test-disk1.vmdk", d.at("/storage/ide/primaryMaster/image").asText());
        assertEquals("vmdk", d.at("/storage/ide/primaryMaster/format").asText());
        assertEquals("cdrom", d.at("/storage/ide/secondaryMaster/type").asText());
        Path disk = home.resolve("Debian_Test/disks/Debian_Test-disk1.vmdk");
        QemuImgTool.compareWithRaw(raw, disk, "vmdk").ok();
        QemuImgTool.run("qemu-img", "check", "-q", "-f", "vmdk", disk.toString()).ok();
        assertTrue(r.out().contains("Imported 'Debian Test' as VM 'Debian_Test'"), r.out());
    }

    @Test
    void whatAVmCannotTakeOverIsReportedAsWarnings() throws Exception {
        Cli.Result r = ok("import", virtualBoxOva().toString(), "--home", h);
        assertTrue(r.err().contains("quasivm: warning: network adapter 1 (E1000) on network 'NAT' is not imported"),
                r.err());
        assertTrue(r.err().contains("quasivm: warning: 2 virtual CPUs are not imported"), r.err());
        assertTrue(r.err().contains("SATA controller"), r.err());
    }

    @Test
    void aVmwareOvfFolderImportsUnderTheGivenNameAndFormat() throws Exception {
        ok("import", vmwareOvf().toString(), "--name", "photon1", "--format", "qcow2", "--home", h);
        JsonNode d = show("photon1");
        assertEquals("linux-x86_64", d.get("guestOs").asText());
        assertEquals(1024, d.get("memoryMiB").asInt());
        assertEquals("qcow2", d.at("/storage/ide/primaryMaster/format").asText());
        Path disk = home.resolve("photon1/disks/photon1-disk1.qcow2");
        QemuImgTool.compareWithRaw(raw, disk, "qcow2").ok();
        QemuImgTool.run("qemu-img", "check", "-q", "-f", "qcow2", disk.toString()).ok();
    }

    @Test
    void anAlteredPackageIsRefusedAndLeavesNoVm() throws Exception {
        vmwareOvf();
        try (FileChannel ch = FileChannel.open(work.resolve("photon-disk1.vmdk"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), 70000);
        }
        Cli.Result r = Cli.run("import", work.resolve("photon.ovf").toString(), "--home", h);
        assertEquals(ExitCodes.INVALID, r.code(), r.err());
        assertTrue(r.err().contains("digest does not match the manifest"), r.err());
        assertEquals(List.of(), homeListing());
    }

    @Test
    void importingUnderATakenNameIsAConflict() throws Exception {
        ok("create", "photon", "--template", "blank", "--home", h);
        Cli.Result r = Cli.run("import", vmwareOvf().toString(), "--home", h);
        assertEquals(ExitCodes.CONFLICT, r.code(), r.err());
        assertEquals("blank", show("photon").get("guestOs").asText());
    }

    @Test
    void aMissingPackageIsAnIoError() {
        assertEquals(ExitCodes.IO_ERROR, Cli.run("import", work.resolve("none.ova").toString(), "--home", h).code());
    }

    // ---- export --------------------------------------------------------------------------------------------------

    private Path vmWithDisk() throws Exception {
        Path vmdk = work.resolve("vm.vmdk");
        QemuImgTool.convertFromRaw(raw, vmdk, "vmdk");
        ok("create", "web1", "--template", "linux-i386", "--memory", "384", "--attach", vmdk.toString(),
                "--home", h);
        return vmdk;
    }

    @Test
    void anExportedOvaHoldsAVmdkQemuImgReadsAsTheSourceDisk() throws Exception {
        vmWithDisk();
        Path ova = work.resolve("web1.ova");
        ok("export", "web1", ova.toString(), "--home", h);
        Path out = Files.createDirectory(work.resolve("unpacked"));
        QemuImgTool.run("tar", "-C", out.toString(), "-xf", ova.toString()).ok();
        Path vmdk = out.resolve("web1-disk1.vmdk");
        QemuImgTool.compareWithRaw(raw, vmdk, "vmdk").ok();
        assertEquals("streamOptimized", QemuImgTool.info(vmdk, "vmdk").at("/format-specific/data/create-type")
                .asText());
        String ovf = Files.readString(out.resolve("web1.ovf"));
        assertTrue(ovf.contains("<rasd:VirtualQuantity>384</rasd:VirtualQuantity>"), ovf);
        assertTrue(ovf.contains(">Linux26</vbox:OSType>"), ovf);
    }

    @Test
    void theExportedManifestMatchesTheFiles() throws Exception {
        vmWithDisk();
        Path ova = work.resolve("web1.ova");
        ok("export", "web1", ova.toString(), "--home", h);
        Path out = Files.createDirectory(work.resolve("unpacked"));
        QemuImgTool.run("tar", "-C", out.toString(), "-xf", ova.toString()).ok();
        for (String line : Files.readAllLines(out.resolve("web1.mf"))) {
            // SHA256(web1.ovf)= <hex>
            String file = line.substring(line.indexOf('(') + 1, line.indexOf(')'));
            assertEquals(hex("SHA-256", out.resolve(file)), line.substring(line.indexOf("= ") + 2), line);
        }
    }

    @Test
    void anExportImportsBackToTheSameDisk() throws Exception {
        vmWithDisk();
        Path ova = work.resolve("web1.ova");
        ok("export", "web1", ova.toString(), "--home", h);
        ok("import", ova.toString(), "--name", "web2", "--home", h);
        JsonNode d = show("web2");
        assertEquals("linux-i386", d.get("guestOs").asText());
        assertEquals(384, d.get("memoryMiB").asInt());
        QemuImgTool.compareWithRaw(raw, home.resolve("web2/disks/web2-disk1.vmdk"), "vmdk").ok();
    }

    @Test
    void exportingAVmWithoutADiskIsNotSupported() {
        ok("create", "empty", "--template", "blank", "--home", h);
        Cli.Result r = Cli.run("export", "empty", work.resolve("e.ova").toString(), "--home", h);
        assertEquals(ExitCodes.UNSUPPORTED, r.code());
        assertFalse(Files.exists(work.resolve("e.ova")));
    }

    @Test
    void exportingOverAnExistingFileIsAConflict() throws Exception {
        vmWithDisk();
        Path ova = Files.write(work.resolve("taken.ova"), new byte[] {7});
        assertEquals(ExitCodes.CONFLICT, Cli.run("export", "web1", ova.toString(), "--home", h).code());
        assertEquals(1, Files.size(ova));
    }

    @Test
    void aDiskThatIsBeingWrittenIsNotExported() throws Exception {
        Path vmdk = vmWithDisk();
        try (DiskImage writer = DiskImages.open(vmdk, OpenOptions.readWrite())) {
            Cli.Result r = Cli.run("export", "web1", work.resolve("busy.ova").toString(), "--home", h);
            assertEquals(ExitCodes.CONFLICT, r.code(), r.err());
            assertTrue(r.err().contains("in use"), r.err());
        }
        assertFalse(Files.exists(work.resolve("busy.ova")));
    }

    @Test
    void exportingAnUnknownVmIsNotFound() {
        assertEquals(ExitCodes.NOT_FOUND, Cli.run("export", "ghost", work.resolve("g.ova").toString(), "--home", h)
                .code());
    }
}
