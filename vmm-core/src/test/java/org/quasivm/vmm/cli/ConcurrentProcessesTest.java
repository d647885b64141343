package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.templates.TemplateCatalog;
import org.quasivm.vmm.config.DefinitionCodec;
import org.quasivm.vmm.registry.VmRegistry;

/** Several quasivm processes at once on one VM: issue 2's concurrency and crash-safety acceptance. */
class ConcurrentProcessesTest {

    @TempDir
    Path home;
    @TempDir
    Path files;

    private String file(String name) throws Exception {
        return Files.write(files.resolve(name), new byte[4096]).toString();
    }

    @Test
    void twentyConcurrentSetsEachChangingADifferentFieldAllSurvive() throws Exception {
        String h = home.toString();
        assertEquals(0, Cli.run("create", "demo1", "--template", "linux-i386", "--home", h).code());
        assertEquals(0, Cli.run("set", "demo1", "storage.ide.primaryMaster=disk:" + file("a.img"),
                "storage.ide.primarySlave=disk:" + file("b.img"), "--home", h).code());
        String img2 = file("a2.img");
        String iso = file("x.iso");
        String fa = file("fa.img");
        String fb = file("fb.img");
        String bios = file("bios.bin");
        String vgabios = file("vgabios.bin");
        List<String> changes = List.of("memoryMiB=300", "cpu.executor=software", "clock=deterministic",
                "display.vgaMemoryMiB=32", "debug.firmwareLog=false", "debug.postCodes=false",
                "description=edited concurrently", "serial.com1.path=logs/other.log", "serial.com2=file:logs/c2.log",
                "bootOrder=disk,floppy,cdrom", "storage.ide.primaryMaster.readOnly=true",
                "storage.ide.primarySlave.readOnly=true", "storage.ide.secondaryMaster.iso=" + iso,
                "storage.ide.secondarySlave=cdrom", "storage.floppy.a=image:" + fa, "storage.floppy.b=image:" + fb,
                "firmware.bios=" + bios, "firmware.vgaBios=" + vgabios, "currentSnapshot=snap-1",
                "storage.ide.primaryMaster.image=" + img2);
        assertEquals(20, changes.size());
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            procs.add(CliProcess.start(files.resolve("set-" + i + ".log"), List.of(), "set", "demo1", changes.get(i),
                    "--home", h));
        }
        for (int i = 0; i < procs.size(); i++) {
            assertTrue(procs.get(i).waitFor(120, TimeUnit.SECONDS), "set " + i + " finished");
            assertEquals(0, procs.get(i).exitValue(), changes.get(i) + ": "
                    + Files.readString(files.resolve("set-" + i + ".log")));
        }
        JsonNode d = new ObjectMapper().readTree(Files.readString(home.resolve("demo1/demo1.qvm.json")));
        assertEquals(300, d.get("memoryMiB").asInt());
        assertEquals("software", d.at("/cpu/executor").asText());
        assertEquals("deterministic", d.get("clock").asText());
        assertEquals(32, d.at("/display/vgaMemoryMiB").asInt());
        assertEquals(false, d.at("/debug/firmwareLog").asBoolean(true));
        assertEquals(false, d.at("/debug/postCodes").asBoolean(true));
        assertEquals("edited concurrently", d.get("description").asText());
        assertEquals("logs/other.log", d.at("/serial/com1/path").asText());
        assertEquals("logs/c2.log", d.at("/serial/com2/path").asText());
        assertEquals("disk", d.at("/bootOrder/0").asText());
        assertEquals(true, d.at("/storage/ide/primaryMaster/readOnly").asBoolean());
        assertEquals(true, d.at("/storage/ide/primarySlave/readOnly").asBoolean());
        assertEquals(iso, d.at("/storage/ide/secondaryMaster/iso").asText());
        assertEquals("cdrom", d.at("/storage/ide/secondarySlave/type").asText());
        assertEquals(fa, d.at("/storage/floppy/a/image").asText());
        assertEquals(fb, d.at("/storage/floppy/b/image").asText());
        assertEquals(bios, d.at("/firmware/bios").asText());
        assertEquals(vgabios, d.at("/firmware/vgaBios").asText());
        assertEquals("snap-1", d.get("currentSnapshot").asText());
        assertEquals(img2, d.at("/storage/ide/primaryMaster/image").asText());
    }

    @Test
    void killingASetInTheMiddleOfWritingNeverLeavesAnUnparsableDefinition() throws Exception {
        String h = home.toString();
        assertEquals(0, Cli.run("create", "demo1", "--template", "linux-i386", "--home", h).code());
        Path file = home.resolve("demo1/demo1.qvm.json");
        String original = Files.readString(file);
        String longText = "x".repeat(3000);
        for (int round = 0; round < 3; round++) {
            Process p = CliProcess.start(files.resolve("slow-" + round + ".log"),
                    List.of("-Dquasivm.test.slowWriteMillis=10"), "set", "demo1", "description=" + longText,
                    "--home", h);
            long partial = waitForPartialTemporary(home.resolve("demo1"), 60_000 + round * 150L);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            assertTrue(partial > 0 && partial < longText.length(), "killed mid-write at " + partial + " bytes");
            assertEquals(original, Files.readString(file), "the definition is untouched after round " + round);
            new VmRegistry(home, new DefinitionCodec(TemplateCatalog.builtIn())).load("demo1");
        }
        // The next writer succeeds and clears what the killed ones left.
        assertEquals(0, Cli.run("set", "demo1", "memoryMiB=128", "--home", h).code());
        try (var entries = Files.list(home.resolve("demo1"))) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
        }
    }

    /** Waits until the writer's temporary file holds some bytes, then returns how many. */
    private static long waitForPartialTemporary(Path dir, long minBytesHint) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (var entries = Files.list(dir)) {
                for (Path p : entries.filter(x -> x.getFileName().toString().contains(".tmp-")).toList()) {
                    long size = Files.size(p);
                    if (size > 200 + minBytesHint % 1000) {
                        return size;
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // the temporary vanished between listing and sizing: keep polling
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the slow writer never started writing");
    }
}
