package org.quasivm.vmm.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Lines from a log sink (the firmware debug console), collected thread-safely and waited for. */
public final class LogLines implements Consumer<String> {

    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void accept(String line) {
        lines.add(line);
        notifyAll();
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized boolean contains(String fragment) {
        return lines.stream().anyMatch(l -> l.contains(fragment));
    }

    /** Waits until a line contains {@code fragment}; false on timeout. */
    public synchronized boolean await(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!contains(fragment)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
