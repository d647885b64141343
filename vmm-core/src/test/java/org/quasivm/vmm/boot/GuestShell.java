package org.quasivm.vmm.boot;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quasivm.vmm.testing.TestTerminal;

/**
 * Commands typed into the busybox shell over COM1. Each command is bracketed by markers the shell prints (written
 * so that the echo of the typed line does not contain them), so its output is found however the shell wraps the
 * echoed line and whatever the kernel prints in between.
 */
final class GuestShell {

    /** What a command printed, and its exit status. */
    record Result(String output, int status) { }

    private static final Pattern DONE = Pattern.compile("(?s)@@BEGIN\r?\n(.*?)@@END (\\d+)");

    private final TestTerminal terminal;

    GuestShell(TestTerminal terminal) {
        this.terminal = terminal;
    }

    Result run(String command, Duration timeout) throws InterruptedException {
        long mark = terminal.transcript.length();
        terminal.type("echo @@''BEGIN; " + command + "; echo @@''END $?\n");
        String text = terminal.transcript.awaitMatch(DONE, mark, timeout);
        if (text == null) {
            throw new AssertionError("no answer to '" + command + "' within " + timeout + "; last lines:\n"
                    + String.join("\n", terminal.transcript.lastLines(40)));
        }
        Matcher m = DONE.matcher(text);
        if (!m.find()) {
            throw new AssertionError("garbled answer to '" + command + "': " + text);
        }
        return new Result(m.group(1).replace("\r\n", "\n"), Integer.parseInt(m.group(2)));
    }

    /** Runs {@code command} and fails unless it exits 0; returns its output. */
    String ok(String command, Duration timeout) throws InterruptedException {
        Result r = run(command, timeout);
        if (r.status() != 0) {
            throw new AssertionError("'" + command + "' exited " + r.status() + ":\n" + r.output());
        }
        return r.output();
    }
}
