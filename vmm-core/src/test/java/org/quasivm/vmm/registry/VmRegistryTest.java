package org.quasivm.vmm.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.templates.TemplateCatalog;
import org.quasivm.vmm.config.DefinitionCodec;
import org.quasivm.vmm.config.IdeSlot;
import org.quasivm.vmm.config.InvalidDefinitionException;
import org.quasivm.vmm.config.VmDefinition;

class VmRegistryTest {

    @TempDir
    Path home;
    @TempDir
    Path elsewhere;

    private final DefinitionCodec codec = new DefinitionCodec(TemplateCatalog.builtIn());

    private VmRegistry registry() {
        return new VmRegistry(home, codec);
    }

    /** Creates a VM whose primary master is an image: owned (inside disks/) or the given external one. */
    private VmDefinition create(String name, Path externalImage) throws Exception {
        return registry().create(name, staging -> {
            ObjectNode tree = TemplateCatalog.builtIn().find("blank").orElseThrow().defaults();
            tree.put("schemaVersion", 1).put("name", name).put("uuid", UUID.randomUUID().toString())
                    .put("guestOs", "blank");
            String image;
            if (externalImage == null) {
                image = "disks/" + name + ".img";
                try (FileChannel ch = FileChannel.open(staging.resolve(image), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap("BOOT".getBytes()), 0);
                    ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), (64L << 20) - 1);
                }
            } else {
                image = externalImage.toString();
            }
            tree.with("storage").with("ide").putObject("primaryMaster").put("type", "disk").put("image", image)
                    .put("format", "raw");
            return codec.bind(codec.withDefaults(tree, name), name, staging);
        });
    }

    @Test
    void createdVmHasItsDirectoryLayoutAndDefinition() throws Exception {
        VmDefinition d = create("vm1", null);
        Path dir = home.resolve("vm1");
        assertTrue(Files.isRegularFile(dir.resolve("vm1.qvm.json")));
        assertTrue(Files.isDirectory(dir.resolve("disks")));
        assertTrue(Files.isDirectory(dir.resolve("snapshots")));
        assertTrue(Files.isDirectory(dir.resolve("logs")));
        assertEquals(d, registry().load("vm1"));
    }

    @Test
    void failedCreateLeavesNothingBehind() throws Exception {
        Path missing = elsewhere.resolve("missing.img");
        assertThrows(InvalidDefinitionException.class, () -> create("vm1", missing));
        try (var entries = Files.list(home)) {
            assertEquals(List.of(".quasivm.lock"), entries.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void nameAlreadyTakenIsAConflict() throws Exception {
        create("vm1", null);
        assertThrows(VmConflictException.class, () -> create("vm1", null));
    }

    @Test
    void invalidEditChangesNothingOnDisk() throws Exception {
        create("vm1", null);
        Path file = home.resolve("vm1/vm1.qvm.json");
        byte[] before = Files.readAllBytes(file);
        assertThrows(InvalidDefinitionException.class, () -> registry().modify("vm1", t -> t.put("memoryMiB", -4)));
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void editIsStoredAndReadBack() throws Exception {
        create("vm1", null);
        registry().modify("vm1", t -> t.put("memoryMiB", 128));
        assertEquals(128, registry().load("vm1").memoryMiB());
    }

    @Test
    void renameMovesDirectoryFileAndName() throws Exception {
        VmDefinition before = create("vm1", null);
        VmDefinition after = registry().rename("vm1", "vm2");
        assertEquals("vm2", after.name());
        assertEquals(before.uuid(), after.uuid());
        assertFalse(Files.exists(home.resolve("vm1")));
        assertFalse(Files.exists(home.resolve("vm2/vm1.qvm.json")));
        assertEquals(after, registry().load("vm2"));
        assertTrue(Files.exists(home.resolve("vm2/disks/vm1.img")), "owned disk moves with the VM");
    }

    @Test
    void renameOntoAnExistingVmIsAConflict() throws Exception {
        create("vm1", null);
        create("vm2", null);
        assertThrows(VmConflictException.class, () -> registry().rename("vm1", "vm2"));
    }

    @Test
    void cloneCopiesOwnedDisksSparselyWithANewUuid() throws Exception {
        VmDefinition original = create("vm1", null);
        VmDefinition copy = registry().cloneVm("vm1", "vm1-copy");
        assertNotEquals(original.uuid(), copy.uuid());
        Path img = home.resolve("vm1-copy/disks/vm1.img");
        assertArrayEquals(Files.readAllBytes(home.resolve("vm1/disks/vm1.img")), Files.readAllBytes(img));
        long allocated = allocatedBytes(img);
        assertTrue(allocated < (1 << 20), "a 64 MiB sparse image stays sparse, allocated " + allocated);
    }

    /** What the file system really allocated (Java has no attribute for it; GNU stat does). */
    static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] f = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, p.waitFor());
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    @Test
    void cloneSharesExternalImagesInsteadOfCopyingThem() throws Exception {
        Path external = Files.write(elsewhere.resolve("shared.img"), new byte[512]);
        create("vm1", external);
        VmDefinition copy = registry().cloneVm("vm1", "vm2");
        assertEquals(external.toString(), ((IdeSlot.Disk) copy.storage().ide().primaryMaster()).image());
        try (var disks = Files.list(home.resolve("vm2/disks"))) {
            assertEquals(0, disks.count());
        }
    }

    @Test
    void deleteRemovesTheDirectoryButNeverExternalImages() throws Exception {
        Path external = Files.write(elsewhere.resolve("keep.img"), new byte[512]);
        create("vm1", external);
        VmRegistry.DeletionPlan plan = registry().planDeletion("vm1");
        assertEquals(List.of(external), plan.keptFiles());
        registry().delete("vm1");
        assertFalse(Files.exists(home.resolve("vm1")));
        assertTrue(Files.exists(external));
    }

    @Test
    void leftoversOfKilledOperationsAreRemovedByTheNextWriter() throws Exception {
        Files.createDirectories(home.resolve(".staging-vmX-1/disks"));
        Files.createDirectories(home.resolve(".deleting-vmY-2"));
        create("vm1", null);
        try (var entries = Files.list(home)) {
            assertEquals(List.of(".quasivm.lock", "vm1"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void listReportsAnUnreadableDefinitionWithoutFailing() throws Exception {
        create("good", null);
        create("bad", null);
        Files.writeString(home.resolve("bad/bad.qvm.json"), "{\"schemaVersion\": 1, \"guestOs\": 7}");
        List<VmListing> vms = registry().list();
        assertEquals(List.of("bad", "good"), vms.stream().map(VmListing::name).toList());
        assertFalse(vms.get(0).valid());
        assertTrue(vms.get(0).problem().contains("guestOs: expected a string"), vms.get(0).problem());
        assertTrue(vms.get(1).valid());
    }

    @Test
    void definitionWhoseNameDiffersFromItsDirectoryIsReported() throws Exception {
        create("vm1", null);
        Path file = home.resolve("vm1/vm1.qvm.json");
        Files.writeString(file, Files.readString(file).replace("\"vm1\"", "\"other\""));
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class, () -> registry().load("vm1"));
        assertTrue(e.lines().get(0).endsWith("name: 'other' does not match the VM directory 'vm1'"), e.getMessage());
    }

    @Test
    void unknownVmIsNotFound() {
        assertThrows(VmNotFoundException.class, () -> registry().load("ghost"));
        assertThrows(VmNotFoundException.class, () -> registry().delete("ghost"));
    }

    @Test
    void atomicWriteLeavesNoTemporaryBehind() throws IOException {
        Path target = home.resolve("f.json");
        AtomicFile.write(target, "one".getBytes());
        AtomicFile.write(target, "two".getBytes());
        assertEquals("two", Files.readString(target));
        try (var entries = Files.list(home)) {
            assertEquals(1, entries.count());
        }
    }
}
