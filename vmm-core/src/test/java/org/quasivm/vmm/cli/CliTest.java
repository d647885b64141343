package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {

    @TempDir
    Path home;
    @TempDir
    Path work;

    private String h;

    @BeforeEach
    void setUp() {
        h = home.toString();
    }

    private Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @Test
    void createdVmIsListedWithItsUuidAndMemory() throws Exception {
        ok("create", "demo1", "--template", "linux-i386", "--memory", "256", "--home", h);
        JsonNode list = new ObjectMapper().readTree(ok("list", "--json", "--home", h).out());
        assertEquals(1, list.size());
        assertEquals("demo1", list.get(0).get("name").asText());
        assertEquals(256, list.get(0).get("memoryMiB").asInt());
        assertEquals(36, list.get(0).get("uuid").asText().length());
    }

    @Test
    void homeIsAcceptedBeforeTheCommandToo() {
        ok("--home", h, "create", "vm1", "--template", "blank");
        assertTrue(ok("--home", h, "list").out().contains("vm1"));
    }

    @Test
    void createWithKernelMakesLinuxFirmware() throws Exception {
        Path kernel = Files.write(work.resolve("vmlinuz"), new byte[100]);
        ok("create", "vm1", "--template", "linux-i386", "--kernel", kernel.toString(), "--append", "console=ttyS0",
                "--home", h);
        JsonNode d = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out());
        assertEquals("linux", d.at("/firmware/type").asText());
        assertEquals(kernel.toString(), d.at("/firmware/kernel").asText());
        assertEquals("console=ttyS0", d.at("/firmware/cmdline").asText());
    }

    @Test
    void createWithIsoPutsACdromOnTheSecondaryMaster() throws Exception {
        Path iso = Files.write(work.resolve("x.iso"), new byte[2048]);
        ok("create", "vm1", "--template", "blank", "--iso", iso.toString(), "--home", h);
        JsonNode d = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out());
        assertEquals("cdrom", d.at("/storage/ide/secondaryMaster/type").asText());
        assertEquals(iso.toString(), d.at("/storage/ide/secondaryMaster/iso").asText());
    }

    @Test
    void createWithDiskMakesASparseImageInTheVmsDisks() throws Exception {
        ok("create", "vm1", "--template", "dos", "--disk", "64M:raw", "--home", h);
        Path img = home.resolve("vm1/disks/vm1.img");
        assertEquals(64L << 20, Files.size(img));
        JsonNode d = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out());
        assertEquals("disks/vm1.img", d.at("/storage/ide/primaryMaster/image").asText());
    }

    @Test
    void anAttachedQcow2ImageIsRecordedAsQcow2NotRaw() throws Exception {
        Path img = work.resolve("x.qcow2");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", "qcow2", img.toString(), "16M").ok();
        ok("create", "vm1", "--template", "blank", "--attach", img.toString(), "--home", h);
        JsonNode d = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out());
        assertEquals("qcow2", d.at("/storage/ide/primaryMaster/format").asText());
        assertEquals(img.toString(), d.at("/storage/ide/primaryMaster/image").asText());
    }

    @Test
    void customRomMakesCustomFirmwareAndOneMibIsEnough() throws Exception {
        Path rom = Files.write(work.resolve("test.rom"), new byte[65536]);
        ok("create", "rom1", "--template", "blank", "--bios", rom.toString(), "--memory", "1", "--home", h);
        JsonNode d = new ObjectMapper().readTree(ok("show", "rom1", "--json", "--home", h).out());
        assertEquals("custom", d.at("/firmware/type").asText());
        assertEquals(1, d.get("memoryMiB").asInt());
    }

    @Test
    void initrdWithoutKernelIsAUsageError() {
        assertEquals(ExitCodes.USAGE, Cli.run("create", "vm1", "--template", "blank", "--initrd", "x",
                "--home", h).code());
    }

    @Test
    void unknownTemplateIsNotFound() {
        Cli.Result r = Cli.run("create", "vm1", "--template", "beos", "--home", h);
        assertEquals(ExitCodes.NOT_FOUND, r.code());
        assertTrue(r.err().contains("known: linux-i386"), r.err());
    }

    @Test
    void unknownVmIsNotFound() {
        assertEquals(ExitCodes.NOT_FOUND, Cli.run("show", "ghost", "--home", h).code());
    }

    @Test
    void takenNameIsAConflict() {
        ok("create", "vm1", "--template", "blank", "--home", h);
        assertEquals(ExitCodes.CONFLICT, Cli.run("create", "vm1", "--template", "blank", "--home", h).code());
    }

    @Test
    void setChangesFieldsAndShowReflectsThem() throws Exception {
        ok("create", "vm1", "--template", "blank", "--home", h);
        ok("set", "vm1", "memoryMiB=512", "cpu.executor=software", "clock=deterministic", "--home", h);
        JsonNode d = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out());
        assertEquals(512, d.get("memoryMiB").asInt());
        assertEquals("software", d.at("/cpu/executor").asText());
        assertEquals("deterministic", d.get("clock").asText());
    }

    /**
     * Each bad definition given with {@code set --file} is reported as exactly one line naming the JSON path, with
     * exit code 4, and the VM's file stays byte-for-byte as it was.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "wrong type       | \"memoryMiB\": \"lots\"                                     | memoryMiB: expected an integer, found a string",
        "unknown field    | \"memoryMiB\": 64, \"cpus\": 2                              | cpus: unknown field",
        "negative memory  | \"memoryMiB\": -64                                          | memoryMiB: -64 is out of range (1 to 3584)",
        "missing image    | \"storage\": {\"ide\": {\"primaryMaster\": {\"type\": \"disk\", \"image\": \"disks/a.vmdk\", \"format\": \"vmdk\"}}} | storage.ide.primaryMaster.image: file not found: disks/a.vmdk",
        "missing required | \"firmware\": {\"type\": \"linux\"}                          | firmware.kernel: required field is missing",
    })
    void invalidDefinitionIsOneLineWithItsPathAndChangesNothing(String name, String fields, String expected)
            throws Exception {
        ok("create", "vm1", "--template", "blank", "--home", h);
        Path file = home.resolve("vm1/vm1.qvm.json");
        byte[] before = Files.readAllBytes(file);
        Path def = Files.writeString(work.resolve("def.json"),
                "{\"schemaVersion\": 1, \"guestOs\": \"blank\", " + fields + "}");
        Cli.Result r = Cli.run("set", "vm1", "--file", def.toString(), "--home", h);
        assertEquals(ExitCodes.INVALID, r.code(), r.err());
        assertEquals(List.of("quasivm: " + def + ": " + expected), r.errLines());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void newerSchemaVersionIsRefusedAndChangesNothing() throws Exception {
        ok("create", "vm1", "--template", "blank", "--home", h);
        Path file = home.resolve("vm1/vm1.qvm.json");
        byte[] before = Files.readAllBytes(file);
        Path def = Files.writeString(work.resolve("def.json"), "{\"schemaVersion\": 7, \"guestOs\": \"blank\"}");
        Cli.Result r = Cli.run("set", "vm1", "--file", def.toString(), "--home", h);
        assertEquals(ExitCodes.INVALID, r.code());
        assertEquals(List.of("quasivm: " + def + ": schemaVersion: version 7 is newer than this QuasiVM reads (1); "
                + "use a newer QuasiVM"), r.errLines());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void replacingTheDefinitionKeepsNameAndUuid() throws Exception {
        ok("create", "vm1", "--template", "blank", "--home", h);
        String uuid = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out()).get("uuid").asText();
        Path def = Files.writeString(work.resolve("def.json"),
                "{\"schemaVersion\": 1, \"guestOs\": \"dos\", \"memoryMiB\": 8}");
        ok("set", "vm1", "--file", def.toString(), "--home", h);
        JsonNode d = new ObjectMapper().readTree(ok("show", "vm1", "--json", "--home", h).out());
        assertEquals(uuid, d.get("uuid").asText());
        assertEquals("dos", d.get("guestOs").asText());
        assertEquals(8, d.get("memoryMiB").asInt());
        assertEquals("floppy", d.at("/bootOrder/0").asText(), "defaults come from the new template");
    }

    @Test
    void renameAndCloneAndDelete() {
        ok("create", "vm1", "--template", "blank", "--home", h);
        ok("rename", "vm1", "vm2", "--home", h);
        ok("clone", "vm2", "vm3", "--home", h);
        String list = ok("list", "--home", h).out();
        assertTrue(list.contains("vm2") && list.contains("vm3") && !list.contains("vm1 "), list);
        ok("delete", "vm2", "--force", "--home", h);
        assertFalse(Files.exists(home.resolve("vm2")));
    }

    @Test
    void deleteAsksAndKeepsTheVmWhenNotConfirmed() {
        ok("create", "vm1", "--template", "blank", "--home", h);
        Cli.Result declined = Cli.runWithInput("n\n", "delete", "vm1", "--home", h);
        assertEquals(ExitCodes.FAILURE, declined.code());
        assertTrue(Files.exists(home.resolve("vm1/vm1.qvm.json")));
        Cli.Result noInput = Cli.runWithInput("", "delete", "vm1", "--home", h);
        assertEquals(ExitCodes.FAILURE, noInput.code());
        assertEquals(0, Cli.runWithInput("y\n", "delete", "vm1", "--home", h).code());
        assertFalse(Files.exists(home.resolve("vm1")));
    }

    @Test
    void templatesAreListedAsJson() throws Exception {
        JsonNode t = new ObjectMapper().readTree(ok("templates", "--json").out());
        assertEquals(List.of("linux-i386", "linux-x86_64", "memtest86", "dos", "blank"),
                t.findValuesAsText("id"));
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(ExitCodes.USAGE, Cli.run().code());
        assertEquals(ExitCodes.USAGE, Cli.run("frobnicate").code());
    }

    @Test
    void helpDocumentsTheExitCodes() {
        String help = ok("--help").out();
        assertTrue(help.contains("Exit codes:") && help.contains("4  invalid definition"), help);
    }
}
