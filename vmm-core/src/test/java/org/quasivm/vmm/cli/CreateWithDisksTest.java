package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code create --disk/--attach} and {@code set ...=disk:IMAGE} on real image formats. */
class CreateWithDisksTest {

    @TempDir
    Path home;
    @TempDir
    Path work;

    private String h;

    @BeforeEach
    void setUp() {
        h = home.toString();
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private JsonNode primaryMaster(String vm) throws Exception {
        return new ObjectMapper().readTree(ok("show", vm, "--json", "--home", h).out()).at("/storage/ide/primaryMaster");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"64M:vmdk,vmdk,vm1.vmdk,monolithicSparse", "64M:vmdk:monolithicFlat,vmdk,vm1.vmdk,monolithicFlat",
        "64M:vhd,vhd,vm1.vhd,dynamic", "64M:vhd:fixed,vhd,vm1.vhd,fixed", "64M:vdi,vdi,vm1.vdi,dynamic",
        "64M:qcow2,qcow2,vm1.qcow2,v3", "64M:raw,raw,vm1.img,raw"})
    void createMakesTheDiskInItsFormatAndQemuImgAgrees(String spec, String format, String file, String sub)
            throws Exception {
        ok("create", "vm1", "--template", "linux-i386", "--disk", spec, "--home", h);
        JsonNode slot = primaryMaster("vm1");
        assertEquals("disks/" + file, slot.get("image").asText());
        assertEquals(format, slot.get("format").asText());
        Path img = home.resolve("vm1/disks/" + file);
        assertEquals(64L << 20, QemuImgTool.info(img, format).get("virtual-size").asLong());
        JsonNode info = new ObjectMapper().readTree(ok("disk", "info", img.toString(), "--json").out());
        assertEquals(sub, info.get("subformat").asText());
    }

    @Test
    void withoutASizeTheTemplatesNewDiskIsMade() throws Exception {
        ok("create", "vm1", "--template", "linux-i386", "--disk", "--home", h);
        JsonNode slot = primaryMaster("vm1");
        assertEquals("vmdk", slot.get("format").asText());
        Path img = home.resolve("vm1/disks/vm1.vmdk");
        assertEquals(2048L << 20, QemuImgTool.info(img, "vmdk").get("virtual-size").asLong());
        QemuImgTool.run("qemu-img", "check", "-q", "-f", "vmdk", img.toString()).ok();
    }

    @Test
    void aStreamOptimizedDiskIsRefusedAndNoVmIsLeft() {
        Cli.Result r = Cli.run("create", "vm1", "--template", "blank", "--disk", "1G:vmdk:streamOptimized",
                "--home", h);
        assertEquals(ExitCodes.USAGE, r.code());
        assertFalse(Files.exists(home.resolve("vm1")));
    }

    @Test
    void anUnknownDiskFormatIsAUsageErrorAndNoVmIsLeft() {
        assertEquals(ExitCodes.USAGE, Cli.run("create", "vm1", "--template", "blank", "--disk", "1G:vpc2",
                "--home", h).code());
        assertFalse(Files.exists(home.resolve("vm1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmdk", "vhd", "vdi", "qcow2"})
    void anAttachedImageIsRecordedInTheFormatItsMagicSays(String format) throws Exception {
        // A misleading name: the format must come from the bytes.
        Path img = work.resolve("disk-" + format + ".img");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", QemuImgTool.qemuName(format), img.toString(), "16M")
                .ok();
        ok("create", "vm1", "--template", "blank", "--attach", img.toString(), "--home", h);
        JsonNode slot = primaryMaster("vm1");
        assertEquals(format, slot.get("format").asText());
        assertEquals(img.toString(), slot.get("image").asText());
    }

    @Test
    void aRawImageIsAttachedAsRaw() throws Exception {
        Path img = Files.write(work.resolve("dos.img"), new byte[1 << 20]);
        ok("create", "vm1", "--template", "dos", "--attach", img.toString(), "--home", h);
        assertEquals("raw", primaryMaster("vm1").get("format").asText());
    }

    @Test
    void aDamagedImageIsRefusedAtAttachAndNoVmIsLeft() throws Exception {
        Path img = work.resolve("bad.vhd");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", "vpc", img.toString(), "16M").ok();
        QemuImgTool.patch(img, 0, ByteBuffer.wrap("conectix".getBytes()));
        QemuImgTool.patch(img, 8 + 64, ByteBuffer.allocate(4).putInt(0, 0x7fff)); // footer checksum off
        QemuImgTool.patch(img, Files.size(img) - 512 + 64, ByteBuffer.allocate(4).putInt(0, 0x7fff));
        Cli.Result r = Cli.run("create", "vm1", "--template", "blank", "--attach", img.toString(), "--home", h);
        assertEquals(ExitCodes.INVALID, r.code(), r.err());
        assertTrue(r.err().startsWith("quasivm: bad.vhd: "), r.err());
        assertFalse(Files.exists(home.resolve("vm1")));
    }

    @Test
    void aStreamOptimizedImageIsRefusedAtAttachWithTheConvertCommand() throws Exception {
        Path raw = Files.write(work.resolve("s.raw"), new byte[1 << 20]);
        Path img = work.resolve("s.vmdk");
        QemuImgTool.convertFromRaw(raw, img, "vmdk", "-o", "subformat=streamOptimized");
        Cli.Result r = Cli.run("create", "vm1", "--template", "blank", "--attach", img.toString(), "--home", h);
        assertEquals(ExitCodes.UNSUPPORTED, r.code());
        assertTrue(r.err().contains("quasivm disk convert"), r.err());
    }

    @Test
    void setDiskShortFormRecordsTheProbedFormat() throws Exception {
        Path img = work.resolve("second.vdi");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", "vdi", img.toString(), "16M").ok();
        ok("create", "vm1", "--template", "blank", "--home", h);
        ok("set", "vm1", "storage.ide.primarySlave=disk:" + img, "--home", h);
        JsonNode slot = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out())
                .at("/storage/ide/primarySlave");
        assertEquals("vdi", slot.get("format").asText());
    }
}
