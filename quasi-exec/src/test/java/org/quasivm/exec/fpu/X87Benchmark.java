package org.quasivm.exec.fpu;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of whole x87 instructions through {@link X87#execute} (decode of the ModRM, stack and tag handling,
 * the 80-bit arithmetic, status word): FADD, FMUL, FDIV, FSQRT on ST0/ST1, plus FLD/FSTP m64 and FSIN. ST0 is reset
 * before each instruction so every operation sees the same full-precision operands.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -o -pl quasi-exec -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp quasi-exec/target/test-classes:quasi-exec/target/classes:$(cat /tmp/cp.txt) \
 *     org.openjdk.jmh.Main X87Benchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class X87Benchmark {

    private static final int ST0_SE = 0x3FFF;
    private static final long ST0_SIG = 0xB504_F333_F9DE_6484L; // sqrt(2)
    private static final int ST1_SE = 0x4000;
    private static final long ST1_SIG = 0xADF8_5458_A2BB_4A9AL; // e

    private X87 x87;
    private FlatMemoryHost host;
    private int top;

    @Setup
    public void setUp() {
        x87 = new X87();
        host = new FlatMemoryHost(64);
        x87.execute(0xDB, 0xE3, 0, 0, 0, host);
        host.write64(0, ST1_SIG);
        host.write16(8, ST1_SE);
        x87.execute(0xDB, 0x28, 0, 0, 0, host); // FLD m80: ST1
        x87.execute(0xDB, 0x28, 0, 0, 0, host); // FLD m80: ST0
        top = x87.top();
        host.write64(16, Double.doubleToRawLongBits(1.25));
    }

    private long run(int opcode, int modrm) {
        x87.setRegister(top, ST0_SE, ST0_SIG);
        x87.execute(opcode, modrm, 16, 16, 0, host);
        return x87.registerSig(top);
    }

    @Benchmark
    public long fadd() {
        return run(0xD8, 0xC1);
    }

    @Benchmark
    public long fmul() {
        return run(0xD8, 0xC9);
    }

    @Benchmark
    public long fdiv() {
        return run(0xD8, 0xF1);
    }

    @Benchmark
    public long fsqrt() {
        return run(0xD9, 0xFA);
    }

    @Benchmark
    public long fsin() {
        return run(0xD9, 0xFE);
    }

    /** FLD m64 then FSTP m64: a load/store pair, the stack ends where it started. */
    @Benchmark
    public long fldFstpM64() {
        x87.execute(0xDD, 0x00, 16, 16, 0, host);
        x87.execute(0xDD, 0x18, 24, 24, 0, host);
        return host.read64(24);
    }
}
