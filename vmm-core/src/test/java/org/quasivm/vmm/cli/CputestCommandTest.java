package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CputestCommandTest {

    /** The hardware-captured vectors live beside the repository; CI always has them, so a missing copy fails. */
    private static Path vectors() {
        Path dir = Path.of(System.getProperty("quasivm.repo.root")).resolve("../shared/testdata/cpu/80286/v1_real_mode")
                .normalize();
        assertTrue(Files.isDirectory(dir), "CPU test vectors missing: " + dir);
        return dir;
    }

    @Test
    void lastLineCountsPassedAndFailedAndExclusionsAreReportedApart() {
        Cli.Result r = Cli.run("cputest", "--moo", vectors().toString(), "--only", "0[0-3]|D4|F6\\.[0-7]");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches("\\d+ passed, 0 failed"), lines.get(lines.size() - 1));
        assertTrue(lines.get(lines.size() - 2).matches("\\d+ excluded"), r.out());
        assertTrue(r.out().contains("F6.6"), "group opcodes are reported per reg field: " + r.out());
    }

    @Test
    void jsonCarriesTheSameCounts() throws Exception {
        Cli.Result r = Cli.run("cputest", "--moo", vectors().toString(), "--only", "01", "--json");
        assertEquals(0, r.code());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1000, j.get("passed").asInt() + j.get("excluded").asInt());
        assertEquals(0, j.get("failed").asInt());
    }

    @Test
    void theTestSetsTopDirectoryNamesTheSubdirectoryWithTheFiles() {
        Cli.Result r = Cli.run("cputest", "--moo", vectors().getParent().toString());
        assertEquals(ExitCodes.IO_ERROR, r.code());
        assertTrue(r.err().contains("they are in " + vectors()), r.err());
    }

    @Test
    void missingDirectoryIsNotFound() {
        assertEquals(ExitCodes.NOT_FOUND, Cli.run("cputest", "--moo", "/nonexistent").code());
    }
}
