package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The progress bar's drawing, throttling and summary line, with a clock the test moves. */
class ProgressBarTest {

    private static final long MS = 1_000_000L;
    private static final long MIB = 1 << 20;

    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong(1_000 * MS);

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar(new PrintWriter(text), "converting", terminal, now::get);
    }

    @Test
    void onATerminalTheFirstReportDrawsTheBar() {
        bar(true).progress(512 * MIB, 1024 * MIB);
        assertTrue(text.toString().startsWith("\rconverting [###############               ]  50%  512.0 MiB of "
                + "1.0 GiB"), text.toString());
    }

    @Test
    void reportsWithinAFifthOfASecondAreNotDrawn() {
        ProgressBar b = bar(true);
        b.progress(4 * MIB, 1024 * MIB);
        int drawn = text.toString().length();
        now.addAndGet(100 * MS);
        b.progress(8 * MIB, 1024 * MIB);
        assertEquals(drawn, text.toString().length());
        now.addAndGet(150 * MS);
        b.progress(12 * MIB, 1024 * MIB);
        assertTrue(text.toString().length() > drawn);
    }

    @Test
    void finishReplacesTheBarWithOneSummaryLine() {
        ProgressBar b = bar(true);
        b.progress(1024 * MIB, 1024 * MIB);
        now.addAndGet(2_000 * MS);
        b.finish("converted");
        String s = text.toString();
        String last = s.substring(s.lastIndexOf('\r') + 1);
        assertEquals("quasivm: converted 1.0 GiB in 2.0 s (512.0 MiB/s)" + System.lineSeparator(), last);
    }

    @Test
    void withoutATerminalOnlyTheSummaryLineIsWritten() {
        ProgressBar b = bar(false);
        for (long done = 0; done <= 64 * MIB; done += 4 * MIB) {
            now.addAndGet(300 * MS);
            b.progress(done, 64 * MIB);
        }
        b.finish("converted");
        assertFalse(text.toString().contains("\r"));
        assertEquals(1, text.toString().lines().count(), text.toString());
        assertTrue(text.toString().startsWith("quasivm: converted 64.0 MiB in 5.1 s"), text.toString());
    }

    @Test
    void abandoningClearsTheBarSoTheErrorStartsItsOwnLine() {
        ProgressBar b = bar(true);
        b.progress(MIB, 8 * MIB);
        b.abandon();
        String s = text.toString();
        assertTrue(s.endsWith("\r"), s);
        assertTrue(s.substring(s.lastIndexOf('\r', s.length() - 2) + 1, s.length() - 1).isBlank());
    }
}
