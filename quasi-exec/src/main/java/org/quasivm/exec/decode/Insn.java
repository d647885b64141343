package org.quasivm.exec.decode;

/**
 * Layout of one decoded instruction: {@link #STRIDE} ints in a block's {@code int[]}. Packing them into a flat int
 * array keeps the decoded cache compact and lets the interpreter run without allocating or chasing object references.
 *
 * <pre>
 * word 0: op 0-9 | length 10-13 | reg 14-17 | sub 18-21 | seg 22-24 | rep 25-26 | a32 27 | o32 28 | lock 29 | mem 30
 * word 1: base 0-4 | index 5-9 | scale 10-11 | rm 12-15      (base/index {@link #NO_REG} = none)
 * word 2: displacement
 * word 3: immediate
 * word 4: second immediate (far pointer selector, ENTER nesting level)
 * </pre>
 * 8-bit register operands are stored as index | 8 for AH/CH/DH/BH (the high byte of registers 0-3).
 */
public final class Insn {
    private Insn() {
    }

    public static final int STRIDE = 5;
    /** Register index the interpreter keeps at zero, used for an absent base or index so EA needs no branches. */
    public static final int NO_REG = 16;

    public static final int REP_NONE = 0;
    /** F3: REP / REPE. */
    public static final int REP_E = 1;
    /** F2: REPNE. */
    public static final int REP_NE = 2;

    public static final int LEN_SHIFT = 10;
    public static final int REG_SHIFT = 14;
    public static final int SUB_SHIFT = 18;
    public static final int SEG_SHIFT = 22;
    public static final int REP_SHIFT = 25;
    public static final int A32 = 1 << 27;
    public static final int O32 = 1 << 28;
    public static final int LOCK = 1 << 29;
    public static final int MEM = 1 << 30;

    public static int op(int w0) {
        return w0 & 0x3FF;
    }

    public static int length(int w0) {
        return (w0 >>> LEN_SHIFT) & 0xF;
    }

    public static int reg(int w0) {
        return (w0 >>> REG_SHIFT) & 0xF;
    }

    public static int sub(int w0) {
        return (w0 >>> SUB_SHIFT) & 0xF;
    }

    public static int seg(int w0) {
        return (w0 >>> SEG_SHIFT) & 7;
    }

    public static int rep(int w0) {
        return (w0 >>> REP_SHIFT) & 3;
    }

    public static int base(int w1) {
        return w1 & 0x1F;
    }

    public static int index(int w1) {
        return (w1 >>> 5) & 0x1F;
    }

    public static int scale(int w1) {
        return (w1 >>> 10) & 3;
    }

    public static int rm(int w1) {
        return (w1 >>> 12) & 0xF;
    }
}
