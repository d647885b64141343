package org.quasivm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's commands through the real launcher script and the packaged jar. */
class LauncherIT {

    @TempDir
    Path home;

    record Run(int code, String output) { }

    private static Run launcher(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("quasivm.repo.root"), "quasivm").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // The jar was built by this very Maven run; the launcher must not start a nested build.
        pb.environment().put("QUASIVM_NO_BUILD", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void createThenListShowsTheVmWithItsUuidAndMemory() throws Exception {
        String h = home.toString();
        Run create = launcher("create", "demo1", "--template", "linux-i386", "--memory", "256", "--home", h);
        assertEquals(0, create.code(), create.output());
        Run list = launcher("list", "--json", "--home", h);
        assertEquals(0, list.code(), list.output());
        assertTrue(list.output().matches("(?s).*\"name\" : \"demo1\".*\"uuid\" : \"[0-9a-f-]{36}\".*"
                + "\"memoryMiB\" : 256.*"), list.output());
    }

    @Test
    void versionComesFromTheJarManifest() throws Exception {
        Run v = launcher("--version");
        assertEquals(0, v.code());
        assertTrue(v.output().startsWith("quasivm 0."), v.output());
    }

    @Test
    void usageErrorExitsWithTwo() throws Exception {
        assertEquals(2, launcher("no-such-command").code());
    }
}
