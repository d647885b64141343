package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quasivm bench disk} on a tiny source: it runs both tools and prints the comparison table. */
class BenchDiskCommandTest {

    @TempDir
    Path dir;

    @Test
    void aSmallRunPrintsEveryPairWithBothToolsAndTheRatio() {
        Cli.Result r = Cli.run("bench", "disk", dir.toString(), "--mib", "2", "--runs", "1", "--modes", "nosync");
        assertEquals(0, r.code(), r.err());
        for (String pair : new String[] {"raw -> vmdk (sparse)", "raw -> vmdk streamOptimized",
            "raw -> vhd (dynamic)", "raw -> qcow2", "vmdk (sparse) -> raw", "vmdk streamOptimized -> raw",
            "vhd (dynamic) -> raw", "qcow2 -> raw"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(pair) && l.matches(".* \\d+\\.\\d\\dx +[\\d.]+ / +[\\d.]+")),
                    pair + "\n" + r.out());
        }
        assertTrue(r.out().contains("QuasiVM median [min..max] qemu-img median [min..max]"), r.out());
    }

    @Test
    void textDataIsBuiltBesideTheRandomSource() {
        Cli.Result r = Cli.run("bench", "disk", dir.toString(), "--mib", "1", "--runs", "1", "--modes", "nosync",
                "--data", "text");
        assertEquals(0, r.code(), r.err());
        assertTrue(java.nio.file.Files.exists(dir.resolve("bench-src-text.raw")));
        assertTrue(r.out().contains("(1+1 MiB text)"), r.out());
    }

    @Test
    void zeroRunsIsAUsageError() {
        assertEquals(ExitCodes.USAGE, Cli.run("bench", "disk", dir.toString(), "--runs", "0").code());
    }
}
