package org.quasivm.exec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Guest MIPS of the software CPU on the benchmark loops, in real mode and in paged 32-bit protected mode:
 * {@code CpuBenchmark [--seconds S] [--repeat N] [--guest integer|memory|x87|all] [--mode real|paged|all]}.
 * Each figure is the median of N timed runs after a warm-up of the same length (the JIT compiles the interpreter);
 * min and max show the spread. Besides wall-clock MIPS it prints MIPS per second of the thread's CPU time, which is
 * what the interpreter achieves when it has a core to itself (the build machines are shared and often overloaded).
 */
public final class CpuBenchmark {
    /** Instructions per {@code run} call: large enough that the run loop's per-call cost vanishes. */
    private static final long SLICE = 10_000_000;

    private CpuBenchmark() {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One timed run: wall-clock MIPS and MIPS per CPU-second of the running thread. */
    public record Sample(double wallMips, double cpuMips) {
    }

    /** One measurement after no warm-up: guest instructions retired per wall-clock second, in millions. */
    public static double measureMips(BenchmarkGuest guest, BenchmarkMachine.Mode mode, long nanos) {
        return measure(new BenchmarkMachine(guest, mode), nanos).wallMips();
    }

    static Sample measure(BenchmarkMachine m, long nanos) {
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long before = m.cpu().instructionsRetired();
        long elapsed;
        do {
            m.run(SLICE);
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        long retired = m.cpu().instructionsRetired() - before;
        return new Sample(retired * 1000.0 / elapsed, retired * 1000.0 / Math.max(1, cpu));
    }

    /** Median, min and max wall MIPS, then median CPU-time MIPS, over {@code repeat} runs after a warm-up run. */
    public static double[] measureSeries(BenchmarkGuest guest, BenchmarkMachine.Mode mode, long nanos, int repeat) {
        BenchmarkMachine m = new BenchmarkMachine(guest, mode);
        measure(m, nanos);
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            Sample s = measure(m, nanos);
            wall.add(s.wallMips());
            cpu.add(s.cpuMips());
        }
        Collections.sort(wall);
        Collections.sort(cpu);
        return new double[] {wall.get(wall.size() / 2), wall.get(0), wall.get(wall.size() - 1),
            cpu.get(cpu.size() / 2)};
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
                System.out.printf(Locale.ROOT,
                        "%-8s %-6s %8.1f MIPS wall (min %.1f, max %.1f)  %8.1f MIPS per CPU-second  (%d runs of %.1f s)%n",
                        g.name().toLowerCase(Locale.ROOT), mode.name().toLowerCase(Locale.ROOT), r[0], r[1], r[2],
                        r[3], repeat, seconds);
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
