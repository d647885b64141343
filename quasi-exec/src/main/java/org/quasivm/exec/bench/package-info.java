/**
 * CPU benchmarks as commands: guest MIPS on integer, memory/string and x87 loops in real and paged protected mode
 * ({@link org.quasivm.exec.bench.CpuBenchmark}), and the same firmware loop next to QEMU's TCG
 * ({@link org.quasivm.exec.bench.PeerComparison}). JMH variants are in the test sources.
 */
package org.quasivm.exec.bench;
