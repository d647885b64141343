package org.quasivm.exec.cputest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The staged SingleStepTests 80286 real-mode set, run through the interpreter. */
class MooSuiteTest {

    /**
     * The staged vectors: {@code <repo root>/../shared/testdata/cpu}, or the same two levels up (a worktree under
     * {@code wt/<name>}), or the directory named by the system property {@code quasivm.cpu.testdata}.
     */
    static Path realModeDirectory() {
        String explicit = System.getProperty("quasivm.cpu.testdata");
        String root = System.getProperty("quasivm.repo.root");
        assertTrue(explicit != null || root != null,
                "system property quasivm.repo.root is not set (surefire sets it to the repo root)");
        Path cpu = explicit != null ? Path.of(explicit) : Path.of(root).resolve("../shared/testdata/cpu").normalize();
        if (explicit == null && !Files.isDirectory(cpu)) {
            cpu = Path.of(root).resolve("../../shared/testdata/cpu").normalize();
        }
        Path dir = cpu.resolve("80286/v1_real_mode");
        assertTrue(Files.isDirectory(dir), "CPU test vectors missing: " + dir
                + " (stage SingleStepTests/80286 there; see ../shared/testdata/cpu/80286/SUBSET.md)");
        return dir;
    }

    @Test
    void everyOpcodeOfTheRealModeSetPassesAllDefinedBehaviour() throws IOException {
        MooSuite.Result r = MooSuite.run(realModeDirectory(), KnownDifferences.bundled80286(), null);
        List<String> failing = r.opcodes().stream().filter(o -> o.failed() > 0)
                .map(o -> o.opcode() + ": " + o.failed() + " failed, e.g. " + o.failures().get(0))
                .collect(Collectors.toList());
        assertEquals(List.of(), failing);
        assertTrue(r.opcodes().size() >= 325, "expected the 325 staged opcode files, ran " + r.opcodes().size());
        int total = r.passed() + r.failed() + r.excluded();
        assertTrue(r.excluded() * 100L <= 3L * total,
                "known differences exclude " + r.excluded() + " of " + total + " cases (more than 3%)");
    }

    @Test
    void commandPrintsPassedAndFailedCountsAsItsLastLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = MooSuite.run(new String[] {"--moo", realModeDirectory().toString(), "--only", "4[0-3]"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(0, status);
        assertEquals("4000 passed, 0 failed", lines[lines.length - 1]);
        assertEquals("0 excluded", lines[lines.length - 2]);
    }

    @Test
    void jsonReportCarriesTheTotals() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MooSuite.run(new String[] {"--moo", realModeDirectory().toString(), "--only", "90", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String json = out.toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"passed\" : 1000"), json);
        assertTrue(json.contains("\"failed\" : 0"), json);
    }

    @Test
    void missingDirectoryIsAUsageErrorNamingIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MooSuite.run(new String[] {"--moo", "/nonexistent/moo"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/nonexistent/moo"));
    }
}
