package org.quasivm.vmm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the CLI as a separate OS process on the test's own classpath, as scripts run it. */
final class CliProcess {

    private CliProcess() {
    }

    static Process start(Path log, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        // A shell starts background jobs with SIGINT ignored, the child inherits that, and a JVM leaves an ignored
        // SIGINT ignored: Ctrl-C tests would then fail whenever the suite itself was started with `&`. Users'
        // terminals deliver it; so does this (coreutils env, Debian 12 and later).
        cmd.addAll(List.of("env", "--default-signal=INT,TERM"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        // Surefire hands the forked JVM a manifest-only jar; the real classpath is in this property.
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(QuasiVm.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
