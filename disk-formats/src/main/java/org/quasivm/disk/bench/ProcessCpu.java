package org.quasivm.disk.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds used, for the benchmark's CPU columns: this process (every thread: conversion, JIT, GC), and the
 * children it has waited for (qemu-img), from Linux's {@code /proc/self/stat}. NaN where the host does not tell.
 */
final class ProcessCpu {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private ProcessCpu() {
    }

    static double self() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns / 1e9;
        }
        return Double.NaN;
    }

    /** User + system time of waited-for children ({@code cutime + cstime}, fields 16 and 17). */
    static double reapedChildren() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): field n is f[n - 3]
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
