package org.quasivm.vmm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class DefinitionEditTest {

    private final ObjectMapper json = new ObjectMapper();
    private final Path cwd = Path.of("/work/here");

    private ObjectNode tree() throws Exception {
        return (ObjectNode) json.readTree("""
                {"memoryMiB": 64, "clock": "realtime", "bootOrder": ["cdrom", "disk"],
                 "debug": {"postCodes": true}, "serial": {"com1": {"type": "none"}},
                 "storage": {"ide": {"secondaryMaster": {"type": "empty"}}}}""");
    }

    private ObjectNode apply(String assignment) throws Exception {
        ObjectNode t = tree();
        DefinitionEdit.parse(assignment).apply(t, cwd, image -> "raw");
        return t;
    }

    @Test
    void numberFieldTakesANumber() throws Exception {
        assertEquals(512, apply("memoryMiB=512").get("memoryMiB").intValue());
    }

    @Test
    void numberFieldKeepsNonNumbersAsTextForTheValidatorToReport() throws Exception {
        assertEquals("lots", apply("memoryMiB=lots").get("memoryMiB").textValue());
    }

    @Test
    void booleanFieldTakesABoolean() throws Exception {
        assertEquals(false, apply("debug.postCodes=false").at("/debug/postCodes").booleanValue());
    }

    @Test
    void arrayFieldTakesACommaList() throws Exception {
        assertEquals(json.readTree("[\"disk\",\"cdrom\",\"floppy\"]"),
                apply("bootOrder=disk,cdrom,floppy").get("bootOrder"));
    }

    @Test
    void typedObjectTakesTheShortForm() throws Exception {
        assertEquals(json.readTree("{\"type\":\"file\",\"path\":\"logs/c1.log\"}"),
                apply("serial.com1=file:logs/c1.log").at("/serial/com1"));
    }

    @Test
    void hostFilesInShortFormsBecomeAbsolute() throws Exception {
        assertEquals(json.readTree("{\"type\":\"cdrom\",\"iso\":\"/work/here/debian.iso\"}"),
                apply("storage.ide.secondaryMaster=cdrom:debian.iso").at("/storage/ide/secondaryMaster"));
    }

    @Test
    void diskShortFormProbesTheImageFormat() throws Exception {
        ObjectNode t = tree();
        DefinitionEdit.parse("storage.ide.secondaryMaster=disk:a.vmdk").apply(t, cwd, image -> "vmdk");
        assertEquals(json.readTree("{\"type\":\"disk\",\"image\":\"/work/here/a.vmdk\",\"format\":\"vmdk\","
                + "\"readOnly\":false}"), t.at("/storage/ide/secondaryMaster"));
    }

    @Test
    void anyValueMayBeJson() throws Exception {
        assertEquals(json.readTree("{\"type\":\"socket\",\"path\":\"s\"}"),
                apply("serial.com1={\"type\":\"socket\",\"path\":\"s\"}").at("/serial/com1"));
    }

    @Test
    void missingIntermediateObjectsAreCreated() throws Exception {
        assertEquals(8, apply("display.vgaMemoryMiB=8").at("/display/vgaMemoryMiB").intValue());
    }

    @Test
    void nameUuidAndSchemaVersionAreNotSettable() {
        assertThrows(IllegalArgumentException.class, () -> DefinitionEdit.parse("name=x"));
        assertThrows(IllegalArgumentException.class, () -> DefinitionEdit.parse("uuid=x"));
        assertThrows(IllegalArgumentException.class, () -> DefinitionEdit.parse("schemaVersion=2"));
    }

    @Test
    void assignmentWithoutEqualsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DefinitionEdit.parse("memoryMiB"));
        assertThrows(IllegalArgumentException.class, () -> DefinitionEdit.parse("cpu..executor=kvm"));
    }
}
