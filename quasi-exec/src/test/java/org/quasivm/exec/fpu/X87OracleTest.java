package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test of {@link X87} against the host's x87 (see {@link X87Oracle}): for every operation, random
 * operands (biased by {@link X87Operands}) under random rounding, precision and exception masks go through both,
 * and the resulting control/status/tag words, ST0, ST1, AX, EFLAGS and memory operand must be identical.
 *
 * <p>{@code -Dx87.oracle.cases=N} sets the cases per operation (default 1,000,000); {@code -Dx87.oracle.only=NAME}
 * runs the operations whose name contains NAME.
 */
class X87OracleTest {

    private static final int CASES = Integer.getInteger("x87.oracle.cases", 1_000_000);
    private static final String ONLY = System.getProperty("x87.oracle.only", "");
    private static final int BATCH = 8192;
    private static final int SIZE = X87Oracle.COMPACT_SIZE;
    private static final int MAX_REPORTED = 12;

    private static X87Oracle oracle;

    @BeforeAll
    static void startOracle() throws Exception {
        oracle = X87Oracle.start();
    }

    @AfterAll
    static void stopOracle() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    enum Memory { NONE, F32, F64, F80, I16, I32, I64, BCD, WORD }

    /** How a case's ST0/ST1 are chosen beyond the default mix. */
    interface Shaper {
        void shape(X87Operands ops, long[] st);
    }

    /** {@code numeric}: computes with its operands (1,000,000 cases); otherwise moves or controls (a tenth). */
    record Operation(String name, int opcode, int[] modrms, Memory memory, Shaper shaper, boolean pushes,
                     boolean numeric) {

        Operation(String name, int opcode, int[] modrms, Memory memory, Shaper shaper, boolean pushes) {
            this(name, opcode, modrms, memory, shaper, pushes, true);
        }

        Operation control() {
            return new Operation(name, opcode, modrms, memory, shaper, pushes, false);
        }

        int cases() {
            return numeric ? CASES : Math.max(1, CASES / 10);
        }
    }

    private static int[] memoryForms(int... regs) {
        int[] m = new int[regs.length];
        for (int i = 0; i < regs.length; i++) {
            m[i] = regs[i] << 3;
        }
        return m;
    }

    private static Operation op(String name, int opcode, int modrm) {
        return new Operation(name, opcode, new int[] {modrm}, Memory.NONE, null, false);
    }

    private static Operation op(String name, int opcode, int[] modrms, Memory memory) {
        return new Operation(name, opcode, modrms, memory, null, false);
    }

    static List<Operation> operations() {
        int[] arith = {0, 1, 4, 5, 6, 7};
        List<Operation> ops = new ArrayList<>();
        ops.add(op("FADD ST0,ST1", 0xD8, 0xC1));
        ops.add(op("FSUB ST0,ST1", 0xD8, 0xE1));
        ops.add(op("FSUBR ST0,ST1", 0xD8, 0xE9));
        ops.add(op("FMUL ST0,ST1", 0xD8, 0xC9));
        ops.add(op("FDIV ST0,ST1", 0xD8, 0xF1));
        ops.add(op("FDIVR ST0,ST1", 0xD8, 0xF9));
        ops.add(op("DC/DE arithmetic into ST1", 0xDC, new int[] {0xC1, 0xC9, 0xE1, 0xE9, 0xF1, 0xF9}, Memory.NONE));
        ops.add(op("DE popping arithmetic", 0xDE, new int[] {0xC1, 0xC9, 0xE1, 0xE9, 0xF1, 0xF9}, Memory.NONE));
        ops.add(op("arithmetic m32fp", 0xD8, memoryForms(arith), Memory.F32));
        ops.add(op("arithmetic m64fp", 0xDC, memoryForms(arith), Memory.F64));
        ops.add(op("arithmetic m32int", 0xDA, memoryForms(arith), Memory.I32));
        ops.add(op("arithmetic m16int", 0xDE, memoryForms(arith), Memory.I16));
        ops.add(op("FSQRT", 0xD9, 0xFA));
        ops.add(op("FCOM/FCOMP/FCOMPP", 0xD8, new int[] {0xD1, 0xD9}, Memory.NONE));
        ops.add(op("FCOMPP", 0xDE, 0xD9));
        ops.add(op("FUCOM/FUCOMP", 0xDD, new int[] {0xE1, 0xE9}, Memory.NONE));
        ops.add(op("FUCOMPP", 0xDA, 0xE9));
        ops.add(op("FCOMI/FUCOMI", 0xDB, new int[] {0xF1, 0xE9}, Memory.NONE));
        ops.add(op("FCOMIP/FUCOMIP", 0xDF, new int[] {0xF1, 0xE9}, Memory.NONE));
        ops.add(op("FCOM m32fp", 0xD8, memoryForms(2, 3), Memory.F32));
        ops.add(op("FCOM m64fp", 0xDC, memoryForms(2, 3), Memory.F64));
        ops.add(op("FICOM m16int", 0xDE, memoryForms(2, 3), Memory.I16));
        ops.add(op("FICOM m32int", 0xDA, memoryForms(2, 3), Memory.I32));
        ops.add(op("FTST", 0xD9, 0xE4));
        ops.add(op("FXAM", 0xD9, 0xE5));
        ops.add(op("FRNDINT", 0xD9, 0xFC));
        ops.add(new Operation("FSCALE", 0xD9, new int[] {0xFD}, Memory.NONE, X87OracleTest::scaleOperands, false));
        ops.add(new Operation("FXTRACT", 0xD9, new int[] {0xF4}, Memory.NONE, null, true));
        ops.add(new Operation("FPREM", 0xD9, new int[] {0xF8}, Memory.NONE, X87OracleTest::remainderOperands,
                false));
        ops.add(new Operation("FPREM1", 0xD9, new int[] {0xF5}, Memory.NONE, X87OracleTest::remainderOperands,
                false));
        ops.add(new Operation("FLD m32fp", 0xD9, memoryForms(0), Memory.F32, null, true));
        ops.add(new Operation("FLD m64fp", 0xDD, memoryForms(0), Memory.F64, null, true));
        ops.add(new Operation("FLD m80fp", 0xDB, memoryForms(5), Memory.F80, null, true));
        ops.add(new Operation("FILD m16int", 0xDF, memoryForms(0), Memory.I16, null, true));
        ops.add(new Operation("FILD m32int", 0xDB, memoryForms(0), Memory.I32, null, true));
        ops.add(new Operation("FILD m64int", 0xDF, memoryForms(5), Memory.I64, null, true));
        ops.add(new Operation("FBLD", 0xDF, memoryForms(4), Memory.BCD, null, true));
        ops.add(op("FST/FSTP m32fp", 0xD9, memoryForms(2, 3), Memory.NONE));
        ops.add(op("FST/FSTP m64fp", 0xDD, memoryForms(2, 3), Memory.NONE));
        ops.add(op("FSTP m80fp", 0xDB, memoryForms(7), Memory.NONE));
        ops.add(new Operation("FIST/FISTP m16int", 0xDF, memoryForms(2, 3), Memory.NONE,
                X87OracleTest::integerOperands, false));
        ops.add(new Operation("FIST/FISTP m32int", 0xDB, memoryForms(2, 3), Memory.NONE,
                X87OracleTest::integerOperands, false));
        ops.add(new Operation("FISTP m64int", 0xDF, memoryForms(7), Memory.NONE, X87OracleTest::integerOperands,
                false));
        ops.add(new Operation("FBSTP", 0xDF, memoryForms(6), Memory.NONE, X87OracleTest::integerOperands, false));
        ops.add(new Operation("FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ", 0xD9,
                new int[] {0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE}, Memory.NONE, null, true).control());
        ops.add(op("FCHS/FABS", 0xD9, new int[] {0xE0, 0xE1}, Memory.NONE));
        ops.add(new Operation("FLD ST(i)", 0xD9, new int[] {0xC0, 0xC1}, Memory.NONE, null, true).control());
        ops.add(op("FXCH and aliases", 0xD9, new int[] {0xC9}, Memory.NONE).control());
        ops.add(op("FXCH4", 0xDD, 0xC9).control());
        ops.add(op("FXCH7", 0xDF, 0xC9).control());
        ops.add(op("FST/FSTP ST(i)", 0xDD, new int[] {0xD0, 0xD1, 0xD8, 0xD9}, Memory.NONE).control());
        ops.add(op("FSTP1", 0xD9, new int[] {0xD8, 0xD9}, Memory.NONE).control());
        ops.add(op("FSTP8/FSTP9/FFREEP", 0xDF, new int[] {0xD0, 0xD1, 0xD8, 0xD9, 0xC0, 0xC1}, Memory.NONE)
                .control());
        ops.add(op("FFREE", 0xDD, new int[] {0xC0, 0xC1}, Memory.NONE).control());
        ops.add(op("FCOM2/FCOMP3", 0xDC, new int[] {0xD1, 0xD9}, Memory.NONE));
        ops.add(op("FCOMP5", 0xDE, 0xD1));
        ops.add(op("FINCSTP/FDECSTP/FNOP", 0xD9, new int[] {0xF6, 0xF7, 0xD0}, Memory.NONE).control());
        ops.add(op("FNCLEX/FNINIT/FNENI/FNDISI/FNSETPM", 0xDB, new int[] {0xE0, 0xE1, 0xE2, 0xE3, 0xE4},
                Memory.NONE).control());
        ops.add(op("FNSTSW AX", 0xDF, 0xE0).control());
        ops.add(op("FCMOVB/E/BE/U", 0xDA, new int[] {0xC1, 0xC9, 0xD1, 0xD9, 0xC0}, Memory.NONE).control());
        ops.add(op("FCMOVNB/NE/NBE/NU", 0xDB, new int[] {0xC1, 0xC9, 0xD1, 0xD9, 0xC0}, Memory.NONE).control());
        ops.add(op("FLDCW", 0xD9, memoryForms(5), Memory.WORD).control());
        ops.add(op("FNSTCW/FNSTSW m16", 0xD9, memoryForms(7), Memory.NONE).control());
        ops.add(op("FNSTSW m16", 0xDD, memoryForms(7), Memory.NONE).control());
        return ops;
    }

    @TestFactory
    Stream<DynamicTest> hostX87AgreesBitForBit() {
        return operations().stream().filter(o -> o.name().contains(ONLY))
                .map(o -> DynamicTest.dynamicTest(o.name(), () -> check(o)));
    }

    private static void check(Operation operation) throws Exception {
        SplittableRandom random = new SplittableRandom(0x87_2026L ^ operation.name().hashCode());
        X87Operands ops = new X87Operands(random);
        byte[] in = new byte[BATCH * SIZE];
        byte[] mine = new byte[BATCH * SIZE];
        X87 x87 = new X87();
        FlatMemoryHost host = new FlatMemoryHost(64);
        long mismatches = 0;
        List<String> reports = new ArrayList<>();
        int cases = operation.cases();
        for (int done = 0; done < cases; done += BATCH) {
            int n = Math.min(BATCH, cases - done);
            ByteBuffer input = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                generate(operation, ops, input, i * SIZE);
            }
            X87Oracle.Pending pending = oracle.submit(X87Oracle.COMPACT, in, n);
            ByteBuffer output = ByteBuffer.wrap(mine).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                CompactRecords.simulate(x87, host, input, output, i * SIZE);
            }
            byte[] theirs = pending.replies();
            for (int i = 0; i < n; i++) {
                if (!java.util.Arrays.equals(mine, i * SIZE, (i + 1) * SIZE, theirs, i * SIZE, (i + 1) * SIZE)) {
                    mismatches++;
                    if (reports.size() < MAX_REPORTED) {
                        reports.add(CompactRecords.describe(input, i * SIZE, theirs, mine));
                    }
                }
            }
        }
        if (mismatches != 0) {
            System.out.println(operation.name() + ": " + mismatches + " of " + cases + " differ");
            reports.forEach(System.out::println);
        }
        assertEquals(0, mismatches, operation.name() + ": " + mismatches + " of " + cases
                + " cases differ from the host x87; first: " + (reports.isEmpty() ? "" : reports.get(0)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Case generation.

    private static void generate(Operation operation, X87Operands ops, ByteBuffer b, int at) {
        int modrm = operation.modrms()[ops.nextInt(operation.modrms().length)];
        int cw = ops.controlWord();
        int sw = ops.statusWord(cw);
        int top = (sw >> 11) & 7;
        long[] st = new long[4];
        ops.extended();
        st[0] = ops.se;
        st[1] = ops.sig;
        ops.related((int) st[0], st[1]);
        st[2] = ops.se;
        st[3] = ops.sig;
        if (operation.shaper() != null) {
            operation.shaper().shape(ops, st);
        }
        int tw = 0;
        for (int i = 0; i < 8; i++) {
            boolean empty = switch (i) {
                case 0, 1 -> ops.chance(4);
                case 7 -> !operation.pushes() || ops.chance(96);
                default -> ops.chance(70);
            };
            if (empty) {
                tw |= 3 << (2 * ((top + i) & 7));
            }
        }
        b.put(at, (byte) operation.opcode());
        b.put(at + 1, (byte) modrm);
        b.put(at + 2, (byte) 0);
        b.put(at + 3, (byte) (ops.nextInt(256) & 0x45));
        b.putShort(at + 4, (short) cw);
        b.putShort(at + 6, (short) sw);
        b.putShort(at + 8, (short) tw);
        b.putShort(at + 10, (short) 0);
        b.putLong(at + 12, st[1]);
        b.putShort(at + 20, (short) st[0]);
        b.putLong(at + 22, st[3]);
        b.putShort(at + 30, (short) st[2]);
        b.putLong(at + 32, ops.nextLong());
        b.putLong(at + 40, ops.nextLong());
        switch (operation.memory()) {
            case NONE -> {
            }
            case F32 -> b.putInt(at + 32, ops.float32());
            case F64 -> b.putLong(at + 32, ops.float64());
            case F80 -> {
                ops.extended();
                b.putLong(at + 32, ops.sig);
                b.putShort(at + 40, (short) ops.se);
            }
            case I16 -> b.putShort(at + 32, (short) ops.integer(16));
            case I32 -> b.putInt(at + 32, (int) ops.integer(32));
            case I64 -> b.putLong(at + 32, ops.integer(64));
            case BCD -> {
                ops.bcd();
                b.putLong(at + 32, ops.bcdLow);
                b.putShort(at + 40, (short) ops.bcdHigh);
            }
            case WORD -> b.putShort(at + 32, (short) ops.nextInt(0x10000));
        }
    }

    /** FSCALE: ST1 mostly a modest scale (integral or not), sometimes anything. */
    private static void scaleOperands(X87Operands ops, long[] st) {
        if (ops.chance(60)) {
            ops.fromScale();
            st[2] = ops.se;
            st[3] = ops.sig;
        }
    }

    /** FPREM/FPREM1: exponent differences from below zero to far beyond 64 (partial remainders). */
    private static void remainderOperands(X87Operands ops, long[] st) {
        if (ops.chance(70) && (st[0] & 0x7FFF) != 0 && (st[0] & 0x7FFF) != 0x7FFF) {
            int e = (int) (st[0] & 0x7FFF) - ops.nextInt(ops.chance(50) ? 70 : 300) + 3;
            e = Math.max(1, Math.min(0x7FFE, e));
            st[2] = (ops.nextInt(2) << 15) | e;
            st[3] = ops.significand();
        }
    }

    /** FIST/FBSTP: values around the integer ranges, halves and small fractions. */
    private static void integerOperands(X87Operands ops, long[] st) {
        if (ops.chance(70)) {
            int e = X87Operands.BIAS - 2 + ops.nextInt(68);
            st[0] = (ops.nextInt(2) << 15) | e;
            st[1] = ops.significand();
        }
    }

}
