package org.quasivm.vmm.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

import org.quasivm.disk.ProgressListener;
import org.quasivm.nativehelper.libc.LibC;

/**
 * Progress of long disk work on stderr. On a terminal: a bar redrawn in place at most five times a second (disk-formats
 * reports every few MiB, far more often than anyone can read), replaced at the end by one summary line. Otherwise
 * (a pipe, a log file) only the summary line, so logs stay readable.
 */
final class ProgressBar implements ProgressListener {

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR_CELLS = 30;

    private final PrintWriter err;
    private final String activity;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long start;
    private long lastDraw;
    private boolean drawn;
    private int drawnWidth;
    private long done;
    private long total;

    ProgressBar(PrintWriter err, String activity, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.activity = activity;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** A bar on this process's stderr when it is a terminal, the summary line alone otherwise. */
    static ProgressBar onStderr(PrintWriter err, String activity) {
        return new ProgressBar(err, activity, stderrIsTerminal(), System::nanoTime);
    }

    @Override
    public synchronized void progress(long doneBytes, long totalBytes) {
        done = doneBytes;
        total = totalBytes;
        if (!terminal) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        redraw(barLine(now));
    }

    /** Ends the bar with one line: "quasivm: converted 2.0 GiB in 3.1 s (660.6 MiB/s)". */
    synchronized void finish(String done) {
        double seconds = (nanoClock.getAsLong() - start) / 1e9;
        String line = String.format(Locale.ROOT, "quasivm: %s %s in %.1f s", done, Sizes.human(total),
                seconds);
        if (seconds > 0.05) {
            line += " (" + Sizes.human((long) (total / seconds)) + "/s)";
        }
        clear();
        err.println(line);
        err.flush();
    }

    /** The work failed or was cancelled: the error that follows starts on a line of its own. */
    synchronized void abandon() {
        clear();
        err.flush();
    }

    private String barLine(long now) {
        int percent = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
        int cells = percent * BAR_CELLS / 100;
        double seconds = (now - start) / 1e9;
        StringBuilder b = new StringBuilder(activity).append(" [");
        b.append("#".repeat(cells)).append(" ".repeat(BAR_CELLS - cells)).append("] ");
        b.append(String.format(Locale.ROOT, "%3d%%  %s of %s", percent, Sizes.human(done),
                Sizes.human(total)));
        if (seconds >= 1 && done > 0) {
            b.append("  ").append(Sizes.human((long) (done / seconds))).append("/s");
        }
        return b.toString();
    }

    private void redraw(String line) {
        int pad = Math.max(0, drawnWidth - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        drawn = true;
        drawnWidth = line.length();
    }

    private void clear() {
        if (drawn) {
            err.print("\r" + " ".repeat(drawnWidth) + "\r");
            drawn = false;
        }
    }

    private static boolean stderrIsTerminal() {
        try {
            return LibC.isatty(2) == 1;
        } catch (LinkageError e) {
            return System.console() != null; // no native C library: stdin and stdout as the best guess
        }
    }
}
