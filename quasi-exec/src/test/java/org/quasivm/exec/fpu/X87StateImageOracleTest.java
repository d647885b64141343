package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test of the instructions that move whole x87 states (FLDENV, FNSTENV, FRSTOR, FNSAVE, FXSAVE,
 * FXRSTOR, 16- and 32-bit protected-mode layouts) and of register forms on any ST(i), against the host's x87: both
 * start from a random FSAVE image, run the instruction, and end with FNSAVE; the images and the 512-byte memory
 * operand must agree. Pointer fields (FIP/FCS/FOP/FDP/FDS) are host addresses except after the loading
 * instructions, so they are compared only there.
 *
 * <p>{@code -Dx87.oracle.cases=N} sets ten times the cases per operation (default 1,000,000, so 100,000 here).
 */
class X87StateImageOracleTest {

    private static final int CASES = Math.max(1, Integer.getInteger("x87.oracle.cases", 1_000_000) / 10);
    private static final String ONLY = System.getProperty("x87.oracle.only", "");
    private static final int BATCH = 2048;
    private static final int SIZE = X87Oracle.FULL_SIZE;
    private static final int IMAGE = 8;
    private static final int MEMORY = 116;
    private static final long IMAGE_ADDRESS = 0;
    private static final long MEMORY_ADDRESS = 512;

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

    /** What the memory operand holds before the instruction. */
    enum Source { RANDOM, ENVIRONMENT, FXSAVE_IMAGE }

    record Operation(String name, int opcode, int[] modrms, boolean prefix66, Source source, boolean loadsPointers,
                     int comparedMemory) {
    }

    static List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        ops.add(new Operation("FLDENV 32-bit", 0xD9, new int[] {0x20}, false, Source.ENVIRONMENT, true, 0));
        ops.add(new Operation("FLDENV 16-bit", 0xD9, new int[] {0x20}, true, Source.ENVIRONMENT, true, 0));
        ops.add(new Operation("FNSTENV 32-bit", 0xD9, new int[] {0x30}, false, Source.RANDOM, false, 28));
        ops.add(new Operation("FNSTENV 16-bit", 0xD9, new int[] {0x30}, true, Source.RANDOM, false, 14));
        ops.add(new Operation("FRSTOR 32-bit", 0xDD, new int[] {0x20}, false, Source.ENVIRONMENT, true, 0));
        ops.add(new Operation("FRSTOR 16-bit", 0xDD, new int[] {0x20}, true, Source.ENVIRONMENT, true, 0));
        ops.add(new Operation("FNSAVE 32-bit", 0xDD, new int[] {0x30}, false, Source.RANDOM, false, 108));
        ops.add(new Operation("FNSAVE 16-bit", 0xDD, new int[] {0x30}, true, Source.RANDOM, false, 94));
        ops.add(new Operation("FXRSTOR", 0x0F, new int[] {0x08}, false, Source.FXSAVE_IMAGE, true, 0));
        ops.add(new Operation("FXSAVE", 0x0F, new int[] {0x00}, false, Source.RANDOM, false, 160));
        ops.add(new Operation("register forms on any ST(i)", -1, null, false, Source.RANDOM, false, 0));
        return ops;
    }

    /** Register forms whose ST(i) operand is drawn from 0..7. */
    private static final int[][] REGISTER_FORMS = {
        {0xD8, 0xC0}, {0xD8, 0xC8}, {0xD8, 0xD0}, {0xD8, 0xD8}, {0xD8, 0xE0}, {0xD8, 0xE8}, {0xD8, 0xF0}, {0xD8, 0xF8},
        {0xD9, 0xC0}, {0xD9, 0xC8}, {0xD9, 0xD8}, {0xDA, 0xC0}, {0xDA, 0xC8}, {0xDA, 0xD0}, {0xDA, 0xD8},
        {0xDB, 0xC0}, {0xDB, 0xC8}, {0xDB, 0xD0}, {0xDB, 0xD8}, {0xDB, 0xE8}, {0xDB, 0xF0},
        {0xDC, 0xC0}, {0xDC, 0xC8}, {0xDC, 0xD0}, {0xDC, 0xD8}, {0xDC, 0xE0}, {0xDC, 0xE8}, {0xDC, 0xF0}, {0xDC, 0xF8},
        {0xDD, 0xC0}, {0xDD, 0xC8}, {0xDD, 0xD0}, {0xDD, 0xD8}, {0xDD, 0xE0}, {0xDD, 0xE8},
        {0xDE, 0xC0}, {0xDE, 0xC8}, {0xDE, 0xD0}, {0xDE, 0xE0}, {0xDE, 0xE8}, {0xDE, 0xF0}, {0xDE, 0xF8},
        {0xDF, 0xC0}, {0xDF, 0xC8}, {0xDF, 0xD0}, {0xDF, 0xD8}, {0xDF, 0xE8}, {0xDF, 0xF0},
    };

    @TestFactory
    Stream<DynamicTest> hostX87AgreesOnWholeStates() {
        return operations().stream().filter(o -> o.name().contains(ONLY))
                .map(o -> DynamicTest.dynamicTest(o.name(), () -> check(o)));
    }

    private static void check(Operation operation) throws Exception {
        SplittableRandom random = new SplittableRandom(0x87_5A7EL ^ operation.name().hashCode());
        X87Operands ops = new X87Operands(random);
        byte[] in = new byte[BATCH * SIZE];
        byte[] mine = new byte[BATCH * SIZE];
        X87 x87 = new X87();
        FlatMemoryHost host = new FlatMemoryHost(1024);
        long mismatches = 0;
        List<String> reports = new ArrayList<>();
        for (int done = 0; done < CASES; done += BATCH) {
            int n = Math.min(BATCH, CASES - done);
            ByteBuffer input = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                generate(operation, ops, input, i * SIZE);
            }
            X87Oracle.Pending pending = oracle.submit(X87Oracle.FULL, in, n);
            for (int i = 0; i < n; i++) {
                simulate(x87, host, in, mine, i * SIZE);
            }
            byte[] theirs = pending.replies();
            for (int i = 0; i < n; i++) {
                String difference = difference(operation, in, theirs, mine, i * SIZE);
                if (difference != null) {
                    mismatches++;
                    if (reports.size() < 10) {
                        reports.add(difference);
                    }
                }
            }
        }
        if (mismatches != 0) {
            System.out.println(operation.name() + ": " + mismatches + " of " + CASES + " differ");
            reports.forEach(System.out::println);
        }
        assertEquals(0, mismatches, operation.name() + ": " + mismatches + " of " + CASES
                + " cases differ from the host x87; first: " + (reports.isEmpty() ? "" : reports.get(0)));
    }

    private static void generate(Operation operation, X87Operands ops, ByteBuffer b, int at) {
        int opcode = operation.opcode();
        int modrm;
        if (opcode < 0) {
            int[] form = REGISTER_FORMS[ops.nextInt(REGISTER_FORMS.length)];
            opcode = form[0];
            modrm = form[1] | ops.nextInt(8);
        } else {
            modrm = operation.modrms()[ops.nextInt(operation.modrms().length)];
        }
        b.put(at, (byte) opcode);
        b.put(at + 1, (byte) modrm);
        b.put(at + 2, (byte) (operation.prefix66() ? 1 : 0));
        b.put(at + 3, (byte) (ops.nextInt(256) & 0x45));
        b.putInt(at + 4, 0);
        int cw = ops.controlWord();
        randomImage(ops, b, at + IMAGE, cw, ops.statusWord(cw));
        for (int i = 0; i < 512; i += 8) {
            b.putLong(at + MEMORY + i, ops.nextLong());
        }
        switch (operation.source()) {
            case RANDOM -> {
            }
            case ENVIRONMENT -> {
                // Any control word and any flags (pending exceptions included): nothing waits before FNSAVE.
                int loadedCw = ops.chance(50) ? ops.controlWord() : ops.nextInt(0x10000);
                int loadedSw = ops.chance(50) ? ops.nextInt(0x10000) : ops.statusWord(loadedCw);
                if (operation.prefix66()) {
                    b.putShort(at + MEMORY, (short) loadedCw);
                    b.putShort(at + MEMORY + 2, (short) loadedSw);
                    b.putShort(at + MEMORY + 4, (short) ops.nextInt(0x10000));
                    registers(ops, b, at + MEMORY + 14);
                } else {
                    randomImage(ops, b, at + MEMORY, loadedCw, loadedSw);
                }
            }
            case FXSAVE_IMAGE -> {
                int loadedCw = ops.chance(50) ? ops.controlWord() : ops.nextInt(0x10000);
                b.putShort(at + MEMORY, (short) loadedCw);
                b.putShort(at + MEMORY + 2, (short) ops.nextInt(0x10000));
                b.putInt(at + MEMORY + 24, ops.nextInt(0x10000) & X87Environment.MXCSR_MASK);
                for (int r = 0; r < 8; r++) {
                    ops.extended();
                    b.putLong(at + MEMORY + 32 + 16 * r, ops.sig);
                    b.putShort(at + MEMORY + 40 + 16 * r, (short) ops.se);
                }
            }
        }
    }

    /** A 32-bit FSAVE image: the given words, random tags, pointers and registers. */
    private static void randomImage(X87Operands ops, ByteBuffer b, int at, int cw, int sw) {
        b.putInt(at, cw | ops.nextInt(0x10000) << 16);
        b.putInt(at + 4, sw | ops.nextInt(0x10000) << 16);
        int tw = 0;
        for (int r = 0; r < 8; r++) {
            tw |= (ops.chance(35) ? 3 : ops.nextInt(3)) << (2 * r);
        }
        b.putInt(at + 8, tw | ops.nextInt(0x10000) << 16);
        b.putInt(at + 12, (int) ops.nextLong());
        b.putInt(at + 16, (int) ops.nextLong() & 0x07FF_FFFF);
        b.putInt(at + 20, (int) ops.nextLong());
        b.putInt(at + 24, (int) ops.nextLong());
        registers(ops, b, at + 28);
    }

    private static void registers(X87Operands ops, ByteBuffer b, int at) {
        for (int i = 0; i < 8; i++) {
            ops.extended();
            b.putLong(at + 10 * i, ops.sig);
            b.putShort(at + 10 * i + 8, (short) ops.se);
        }
    }

    private static void simulate(X87 x87, FlatMemoryHost host, byte[] in, byte[] out, int at) {
        int opcode = in[at] & 0xFF;
        int modrm = in[at + 1] & 0xFF;
        boolean prefix66 = in[at + 2] != 0;
        int flags = in[at + 3] & 0xFF;
        host.memory.put(0, in, at + IMAGE, 108);
        host.memory.put((int) MEMORY_ADDRESS, in, at + MEMORY, 512);
        host.protectedMode = true;
        host.operandSize32 = true;
        x87.execute(0xDD, 0x20, IMAGE_ADDRESS, 0, 0, host); // FRSTOR, as the oracle's stub starts
        host.cf = (flags & 1) != 0;
        host.pf = (flags & 4) != 0;
        host.zf = (flags & 0x40) != 0;
        host.ax = 0;
        host.operandSize32 = !prefix66;
        try {
            if (opcode == 0x0F) {
                if (((modrm >> 3) & 7) == 0) {
                    x87.fxsave(MEMORY_ADDRESS, host);
                } else {
                    x87.fxrstor(MEMORY_ADDRESS, host);
                }
            } else {
                x87.execute(opcode, modrm, MEMORY_ADDRESS, MEMORY_ADDRESS, 0, host);
            }
        } catch (RuntimeException e) {
            Arrays.fill(out, at, at + SIZE, (byte) 0xEE);
            return;
        }
        host.operandSize32 = true;
        x87.execute(0xDD, 0x30, IMAGE_ADDRESS, 0, 0, host); // FNSAVE
        Arrays.fill(out, at, at + 8, (byte) 0);
        out[at] = (byte) host.ax;
        out[at + 1] = (byte) (host.ax >> 8);
        out[at + 2] = (byte) ((host.cf ? 1 : 0) | (host.pf ? 4 : 0) | (host.zf ? 0x40 : 0));
        host.memory.get(0, out, at + IMAGE, 108);
        host.memory.get((int) MEMORY_ADDRESS, out, at + MEMORY, 512);
    }

    /** Null when the host and we agree on everything comparable, else a description. */
    private static String difference(Operation operation, byte[] in, byte[] theirs, byte[] mine, int at) {
        List<String> parts = new ArrayList<>();
        if (!Arrays.equals(theirs, at, at + 8, mine, at, at + 8)) {
            parts.add("ax/flags");
        }
        if (!Arrays.equals(theirs, at + IMAGE, at + IMAGE + 12, mine, at + IMAGE, at + IMAGE + 12)) {
            parts.add("cw/sw/tw");
        }
        if (operation.loadsPointers()
                && !Arrays.equals(theirs, at + IMAGE + 12, at + IMAGE + 28, mine, at + IMAGE + 12, at + IMAGE + 28)) {
            parts.add("pointers");
        }
        if (!Arrays.equals(theirs, at + IMAGE + 28, at + IMAGE + 108, mine, at + IMAGE + 28, at + IMAGE + 108)) {
            parts.add("registers");
        }
        if (!memoryAgrees(operation, in, theirs, mine, at)) {
            parts.add("memory");
        }
        if (parts.isEmpty()) {
            return null;
        }
        HexFormat hex = HexFormat.of();
        return String.format("  %02X %02X%s differ in %s%n    in:   %s%n    mem:  %s%n    host: %s%n    ours: %s"
                        + "%n    host mem: %s%n    ours mem: %s",
                in[at], in[at + 1], in[at + 2] != 0 ? " (66)" : "", parts,
                hex.formatHex(in, at + IMAGE, at + IMAGE + 108), hex.formatHex(in, at + MEMORY, at + MEMORY + 112),
                hex.formatHex(theirs, at, at + IMAGE + 108), hex.formatHex(mine, at, at + IMAGE + 108),
                hex.formatHex(theirs, at + MEMORY, at + MEMORY + 160),
                hex.formatHex(mine, at + MEMORY, at + MEMORY + 160));
    }

    private static boolean memoryAgrees(Operation operation, byte[] in, byte[] theirs, byte[] mine, int at) {
        int m = at + MEMORY;
        if (operation.opcode() == 0x0F && operation.modrms()[0] == 0x00) {
            // FXSAVE: FCW, FSW, FTW, registers. FOP/FIP/FDP are host addresses (and AMD saves them only with
            // ES set); MXCSR_MASK is the host's; XMM0-15 (bytes 160-415 in 64-bit mode) are the oracle process's.
            return Arrays.equals(theirs, m, m + 6, mine, m, m + 6)
                    && Arrays.equals(theirs, m + 24, m + 28, mine, m + 24, m + 28)
                    && Arrays.equals(theirs, m + 32, m + 160, mine, m + 32, m + 160)
                    && Arrays.equals(theirs, m + 416, m + 512, mine, m + 416, m + 512);
        }
        int environment = operation.comparedMemory();
        if (environment == 28 || environment == 108) {
            return Arrays.equals(theirs, m, m + 12, mine, m, m + 12)
                    && Arrays.equals(theirs, m + 28, m + 512, mine, m + 28, m + 512);
        }
        if (environment == 14 || environment == 94) {
            return Arrays.equals(theirs, m, m + 6, mine, m, m + 6)
                    && Arrays.equals(theirs, m + 14, m + 512, mine, m + 14, m + 512);
        }
        return Arrays.equals(theirs, m, m + 512, mine, m, m + 512);
    }
}
