package org.quasivm.vmm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.templates.TemplateCatalog;

class DefinitionCodecTest {

    private final DefinitionCodec codec = new DefinitionCodec(TemplateCatalog.builtIn());

    @TempDir
    Path dir;

    private static final String MINIMAL = """
            {"schemaVersion": 1, "name": "vm1", "uuid": "2b1f8a4e-2c0e-4c55-9a53-2f6a3e1b7c10",
             "guestOs": "linux-i386" %s}""";

    private VmDefinition parse(String extra) throws Exception {
        Files.write(dir.resolve("k"), new byte[1]);
        Files.write(dir.resolve("r.bin"), new byte[65536]);
        return codec.parse(MINIMAL.formatted(extra).getBytes(StandardCharsets.UTF_8), "vm1.qvm.json", dir);
    }

    private List<String> problems(String extra) {
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class, () -> parse(extra));
        return e.problems().stream().map(DefinitionProblem::toString).toList();
    }

    @Test
    void fieldsLeftOutComeFromTheTemplate() throws Exception {
        VmDefinition d = parse("");
        assertEquals(256, d.memoryMiB());
        assertEquals(ExecutorChoice.AUTO, d.cpu().executor());
        assertEquals(List.of(BootDevice.CDROM, BootDevice.DISK, BootDevice.FLOPPY), d.bootOrder());
        assertInstanceOf(IdeSlot.Cdrom.class, d.storage().ide().secondaryMaster());
        assertEquals(ClockMode.REALTIME, d.clock());
    }

    @Test
    void givenFieldsOverrideTheTemplateInsideNestedObjects() throws Exception {
        VmDefinition d = parse(", \"memoryMiB\": 64, \"serial\": {\"com1\": {\"type\": \"file\", \"path\": \"x.log\"}}");
        assertEquals(64, d.memoryMiB());
        assertEquals(new SerialPort.File("x.log"), d.serial().com1());
        assertInstanceOf(SerialPort.None.class, d.serial().com2());
    }

    @Test
    void aDifferentFirmwareTypeReplacesTheTemplatesWholeObject() throws Exception {
        VmDefinition d = parse(", \"firmware\": {\"type\": \"linux\", \"kernel\": \"k\", \"cmdline\": \"quiet\"}");
        assertEquals(new Firmware.Linux("k", null, "quiet"), d.firmware());
    }

    @Test
    void wrongTypeIsReportedWithItsPath() {
        assertEquals(List.of("memoryMiB: expected an integer, found a string"), problems(", \"memoryMiB\": \"256\""));
    }

    @Test
    void booleanFieldRejectsANumber() {
        assertEquals(List.of("debug.postCodes: expected a boolean (true or false), found an integer"),
                problems(", \"debug\": {\"postCodes\": 1}"));
    }

    @Test
    void unknownTopLevelFieldIsReported() {
        assertEquals(List.of("memoryMB: unknown field"), problems(", \"memoryMB\": 256"));
    }

    @Test
    void unknownNestedFieldIsReportedWithItsFullPath() {
        assertEquals(List.of("cpu.cores: unknown field"), problems(", \"cpu\": {\"cores\": 2}"));
    }

    @Test
    void unknownEnumValueListsTheAcceptedOnes() {
        assertEquals(List.of("clock: 'fast' is not one of realtime, deterministic"), problems(", \"clock\": \"fast\""));
    }

    @Test
    void unknownTypeNameListsTheAcceptedOnes() {
        assertEquals(List.of("firmware.type: unknown type \"bios\" (expected one of seabios, linux, custom)"),
                problems(", \"firmware\": {\"type\": \"bios\"}"));
    }

    @Test
    void bindingAndMeaningProblemsAreReportedTogether() {
        assertEquals(List.of("clock: 'fast' is not one of realtime, deterministic",
                "memoryMiB: -5 is out of range (1 to 3584)"), problems(", \"memoryMiB\": -5, \"clock\": \"fast\""));
    }

    @Test
    void severalProblemsAreAllReportedInOnePass() {
        List<String> p = problems(", \"memoryMB\": 1, \"clock\": \"fast\", \"cpu\": {\"executor\": \"qemu\"}");
        assertEquals(3, p.size(), p.toString());
    }

    @Test
    void newerSchemaVersionIsRefusedClearly() {
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class, () -> codec.parse(
                "{\"schemaVersion\": 2, \"name\": \"a\"}".getBytes(StandardCharsets.UTF_8), "a.qvm.json", dir));
        assertEquals(List.of("a.qvm.json: schemaVersion: version 2 is newer than this QuasiVM reads (1); "
                + "use a newer QuasiVM"), e.lines());
    }

    @Test
    void missingGuestOsIsReported() {
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class, () -> codec.parse(
                "{\"schemaVersion\": 1, \"name\": \"a\"}".getBytes(StandardCharsets.UTF_8), "a.qvm.json", dir));
        assertEquals(List.of("a.qvm.json: guestOs: required field is missing"), e.lines());
    }

    @Test
    void unknownTemplateIsReported() {
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class, () -> codec.parse(
                "{\"schemaVersion\": 1, \"guestOs\": \"beos\"}".getBytes(StandardCharsets.UTF_8), "a.qvm.json", dir));
        assertTrue(e.lines().get(0).startsWith("a.qvm.json: guestOs: unknown template 'beos' (known: linux-i386"));
    }

    @Test
    void syntaxErrorNamesTheLine() {
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class, () -> codec.parse(
                "{\"schemaVersion\": 1,\n \"name\": }".getBytes(StandardCharsets.UTF_8), "a.qvm.json", dir));
        assertTrue(e.lines().get(0).startsWith("a.qvm.json: not valid JSON at line 2"), e.lines().toString());
    }

    @Test
    void writtenDefinitionReadsBackEqual() throws Exception {
        VmDefinition d = parse(", \"firmware\": {\"type\": \"custom\", \"rom\": \"r.bin\", \"loadAddress\": 4294901760}");
        assertEquals(d, codec.parse(codec.write(d), "again", dir));
    }
}
