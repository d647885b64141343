package org.quasivm.vmm.launch;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A VM's log, {@code logs/vm.log} in its directory: one timestamped line per event, firmware debug output and POST
 * codes when the definition asks for them. Lines are flushed as written so a crash loses nothing already logged.
 */
public final class VmLog implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;

    public VmLog(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        this.file = file;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    public synchronized void line(String text) {
        try {
            out.write(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + text);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            // A full disk must not stop the guest; the log is best effort after it was opened.
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to report it to
        }
    }
}
