package org.quasivm.exec.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Guest MIPS of the software CPU on the benchmark loops, in real mode and in paged 32-bit protected mode:
 * {@code CpuBenchmark [--seconds S] [--repeat N] [--guest integer|memory|x87|all] [--mode real|paged|all]}.
 * Each figure is the median of N timed runs after a warm-up of the same length (the JIT compiles the interpreter);
 * min and max show the spread on a shared machine.
 */
public final class CpuBenchmark {
    /** Instructions per {@code run} call: large enough that the run loop's per-call cost vanishes. */
    private static final long SLICE = 10_000_000;

    private CpuBenchmark() {
    }

    /** One measurement: guest instructions retired per second, in millions. */
    public static double measureMips(BenchmarkGuest guest, BenchmarkMachine.Mode mode, long nanos) {
        BenchmarkMachine m = new BenchmarkMachine(guest, mode);
        return measure(m, nanos);
    }

    static double measure(BenchmarkMachine m, long nanos) {
        long start = System.nanoTime();
        long before = m.cpu().instructionsRetired();
        long elapsed;
        do {
            m.run(SLICE);
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        long retired = m.cpu().instructionsRetired() - before;
        return retired * 1000.0 / elapsed;
    }

    /** Median, min and max over {@code repeat} timed runs after one warm-up run. */
    public static double[] measureSeries(BenchmarkGuest guest, BenchmarkMachine.Mode mode, long nanos, int repeat) {
        BenchmarkMachine m = new BenchmarkMachine(guest, mode);
        measure(m, nanos);
        List<Double> runs = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            runs.add(measure(m, nanos));
        }
        Collections.sort(runs);
        return new double[] {runs.get(runs.size() / 2), runs.get(0), runs.get(runs.size() - 1)};
    }

    public static void main(String[] args) {
        double seconds = 2;
        int repeat = 3;
        String guestArg = "all";
        String modeArg = "all";
        for (int i = 0; i < args.length; i++) {
            String next = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(require(next, args[i++]));
                case "--repeat" -> repeat = Integer.parseInt(require(next, args[i++]));
                case "--guest" -> guestArg = require(next, args[i++]);
                case "--mode" -> modeArg = require(next, args[i++]);
                default -> {
                    System.err.println("cpu-benchmark: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        long nanos = (long) (seconds * 1e9);
        for (BenchmarkGuest g : BenchmarkGuest.values()) {
            if (!guestArg.equals("all") && !guestArg.equalsIgnoreCase(g.name())) {
                continue;
            }
            for (BenchmarkMachine.Mode mode : BenchmarkMachine.Mode.values()) {
                if (!modeArg.equals("all") && !modeArg.equalsIgnoreCase(mode.name())) {
                    continue;
                }
                double[] r = measureSeries(g, mode, nanos, repeat);
                System.out.printf(Locale.ROOT, "%-8s %-6s %8.1f MIPS  (min %.1f, max %.1f, %d runs of %.1f s)%n",
                        g.name().toLowerCase(Locale.ROOT), mode.name().toLowerCase(Locale.ROOT), r[0], r[1], r[2],
                        repeat, seconds);
            }
        }
    }

    private static String require(String value, String option) {
        if (value == null) {
            System.err.println("cpu-benchmark: " + option + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
