package org.quasivm.vmm.devices.uart;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a guest printed on a serial port, for scripts and tests: wait for a pattern, show the last lines. Bytes are
 * kept as ISO-8859-1 characters (one char per byte), at most {@code capacity} of the most recent ones. Thread safe:
 * the VM thread appends, any thread reads and waits.
 */
public final class SerialTranscript {

    private final int capacity;
    private final StringBuilder text = new StringBuilder();
    private long dropped;
    private long total;

    public SerialTranscript(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void append(byte[] bytes, int offset, int length) {
        text.append(new String(bytes, offset, length, StandardCharsets.ISO_8859_1));
        total += length;
        if (text.length() > capacity) {
            int cut = text.length() - capacity;
            text.delete(0, cut);
            dropped += cut;
        }
        notifyAll();
    }

    /** Everything kept so far. */
    public synchronized String text() {
        return text.toString();
    }

    /** Bytes received since the start, including any no longer kept. */
    public synchronized long length() {
        return total;
    }

    /** The last {@code n} lines (a trailing partial line counts). */
    public synchronized List<String> lastLines(int n) {
        String[] lines = text.toString().split("\r?\n", -1);
        int end = lines.length;
        if (end > 0 && lines[end - 1].isEmpty()) {
            end--;
        }
        List<String> out = new ArrayList<>();
        for (int i = Math.max(0, end - n); i < end; i++) {
            out.add(lines[i]);
        }
        return out;
    }

    /**
     * Waits until the text since {@code fromLength} (a {@link #length()} taken earlier) matches {@code pattern},
     * for at most {@code timeout}. Returns the match, or null on timeout.
     */
    public synchronized String awaitMatch(Pattern pattern, long fromLength, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int start = (int) Math.max(0, fromLength - dropped);
            Matcher m = pattern.matcher(text);
            if (start <= text.length() && m.find(start)) {
                return m.group();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
