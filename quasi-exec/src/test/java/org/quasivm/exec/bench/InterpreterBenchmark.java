package org.quasivm.exec.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: guest instructions per second of the software CPU on the benchmark loops. Scores are operations (guest
 * instructions) per microsecond, i.e. MIPS. Run from the module after {@code mvn test-compile}:
 * {@code java -cp target/test-classes:target/classes:<deps> org.openjdk.jmh.Main InterpreterBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InterpreterBenchmark {
    private static final int INSTRUCTIONS = 1_000_000;

    @Param({"INTEGER", "MEMORY", "X87"})
    public BenchmarkGuest guest;

    @Param({"REAL", "PAGED"})
    public BenchmarkMachine.Mode mode;

    private BenchmarkMachine machine;

    @Setup(Level.Trial)
    public void setUp() {
        machine = new BenchmarkMachine(guest, mode);
    }

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public long run() {
        machine.run(INSTRUCTIONS);
        return machine.cpu().instructionsRetired();
    }
}
