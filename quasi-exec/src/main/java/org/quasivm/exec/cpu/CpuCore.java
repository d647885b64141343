package org.quasivm.exec.cpu;

/**
 * Architectural registers of the software CPU and the lazy arithmetic flags.
 *
 * <p>The interpreter is one object split over a chain of abstract classes by concern (registers → memory → system →
 * instructions → interpreter), so that the hot loop reaches every register, TLB array and helper through {@code this}
 * without indirection, while each file stays about one thing.
 *
 * <h2>Lazy flags</h2>
 * OF, SF, ZF, AF, PF and CF are not stored as bits. Each arithmetic instruction records {@link #flagRes} (its result
 * sign-extended to 32 bits) and {@link #flagAux}, a word that makes every flag cheap to derive without knowing which
 * operation ran:
 * <ul>
 * <li>bit 31: CF; bit 30: CF xor OF (so OF = bit 31 xor bit 30, exactly the top two bits of an adder's carry-out
 * vector shifted to the top);</li>
 * <li>bit 4: AF;</li>
 * <li>bit 0: sign delta, SF = sign(flagRes) xor bit 0;</li>
 * <li>bits 8-15: parity delta, PF = even parity of (flagRes xor delta) low byte.</li>
 * </ul>
 * ZF is flagRes == 0. Ordinary ALU results have both deltas zero; the deltas let {@link #setArithmeticFlags} encode any
 * combination (ZF and SF both set, say) after POPF or SAHF.
 */
abstract class CpuCore {
    static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8, IF = 1 << 9,
            DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18,
            VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
    static final int ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
    /** EFLAGS bits this CPU implements (no VIF/VIP: VME/PVI are not advertised). */
    static final int DEFINED_FLAGS = ARITH_FLAGS | TF | IF | DF | IOPL | NT | RF | VM | AC | ID | 2;

    static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 16, CR0_NE = 32, CR0_WP = 1 << 16,
            CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;
    static final int CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 16, CR4_PAE = 32, CR4_MCE = 64,
            CR4_PGE = 128, CR4_PCE = 256, CR4_OSFXSR = 512, CR4_OSXMMEXCPT = 1024;

    private static final boolean[] PARITY_EVEN = new boolean[256];

    static {
        for (int i = 0; i < 256; i++) {
            PARITY_EVEN[i] = (Integer.bitCount(i) & 1) == 0;
        }
    }

    /** RAX..R15 in encoding order, then a slot that always holds zero (absent base/index of an address). */
    final long[] regs = new long[17];
    int eip;
    /** EIP of the instruction being executed: where a fault rolls back to. */
    int instrStart;

    int flagRes;
    int flagAux;
    /** EFLAGS without the six arithmetic flags; bit 1 always set. */
    int eflags = 2;

    // Segment registers ES CS SS DS FS GS with their descriptor caches (attributes in SegmentState's layout).
    final int[] segSel = new int[6];
    final int[] segBase = new int[6];
    final int[] segLimit = new int[6];
    final int[] segAttr = new int[6];
    /**
     * Largest offset a 1-byte read (write) may use without the slow check, as an unsigned 32-bit value; -1 sends every
     * access to the slow check (null, unusable, expand-down or wrong-type segments).
     */
    final long[] segReadMax = new long[6];
    final long[] segWriteMax = new long[6];

    int ldtrSel, ldtrBase, ldtrLimit, ldtrAttr;
    int trSel, trBase, trLimit, trAttr;
    int gdtrBase, gdtrLimit, idtrBase, idtrLimit;

    int cr0;
    int cr2;
    int cr3;
    int cr4;
    long efer;
    final int[] dr = new int[8];

    int cpl;
    /**
     * Changes whenever what an EIP means for instruction fetch may change: CS loads, mode switches, TLB flushes.
     * Block links record it (see DecodedBlock).
     */
    int fetchEpoch;
    /** CR0.PE set and not virtual-8086. */
    boolean protectedMode;
    boolean v86;
    /** CS default operand/address size is 32 bits. */
    boolean code32;
    /** SS.B: the stack pointer is ESP (else SP). */
    boolean stack32;

    // ---- registers ----

    final int r32(int r) {
        return (int) regs[r];
    }

    final void w32(int r, int v) {
        regs[r] = v & 0xFFFFFFFFL;
    }

    final int r16(int r) {
        return (int) regs[r] & 0xFFFF;
    }

    final void w16(int r, int v) {
        regs[r] = (regs[r] & ~0xFFFFL) | (v & 0xFFFF);
    }

    /** 8-bit register by decoded index: 0-3 low bytes, 8-11 high bytes of registers 0-3. */
    final int r8(int x) {
        return (int) (regs[x & 3] >>> (x & 8)) & 0xFF;
    }

    final void w8(int x, int v) {
        int i = x & 3;
        int sh = x & 8;
        regs[i] = (regs[i] & ~(0xFFL << sh)) | ((long) (v & 0xFF) << sh);
    }

    /** Register of the operand size: 16 or 32 bits. */
    final int rv(int r, boolean o32) {
        return o32 ? (int) regs[r] : (int) regs[r] & 0xFFFF;
    }

    final void wv(int r, int v, boolean o32) {
        if (o32) {
            regs[r] = v & 0xFFFFFFFFL;
        } else {
            regs[r] = (regs[r] & ~0xFFFFL) | (v & 0xFFFF);
        }
    }

    // ---- lazy flags ----

    final boolean cf() {
        return flagAux < 0;
    }

    final boolean zf() {
        return flagRes == 0;
    }

    final boolean sf() {
        return ((flagRes >>> 31) ^ (flagAux & 1)) != 0;
    }

    final boolean of() {
        return (flagAux ^ (flagAux << 1)) < 0;
    }

    final boolean af() {
        return (flagAux & 0x10) != 0;
    }

    final boolean pf() {
        return PARITY_EVEN[(flagRes ^ (flagAux >>> 8)) & 0xFF];
    }

    final int arithmeticFlags() {
        return (cf() ? CF : 0) | (pf() ? PF : 0) | (af() ? AF : 0) | (zf() ? ZF : 0) | (sf() ? SF : 0)
                | (of() ? OF : 0);
    }

    final void setArithmeticFlags(int f) {
        int res = (f & ZF) != 0 ? 0 : 1;
        int aux = (f & AF);
        boolean c = (f & CF) != 0;
        boolean o = (f & OF) != 0;
        if (c) {
            aux |= 0x80000000;
        }
        if (c != o) {
            aux |= 0x40000000;
        }
        if ((f & SF) != 0) {
            aux |= 1;
        }
        if (PARITY_EVEN[res] != ((f & PF) != 0)) {
            aux |= 0x100;
        }
        flagRes = res;
        flagAux = aux;
    }

    final void setCF(boolean c) {
        boolean o = of();
        flagAux = (flagAux & 0x3FFFFFFF) | (c ? 0x80000000 : 0) | (c != o ? 0x40000000 : 0);
    }

    final void setOF(boolean o) {
        boolean c = cf();
        flagAux = (flagAux & 0xBFFFFFFF) | (c != o ? 0x40000000 : 0);
    }

    final void setZF(boolean z) {
        setArithmeticFlags((arithmeticFlags() & ~ZF) | (z ? ZF : 0));
    }

    final void setAF(boolean a) {
        flagAux = (flagAux & ~0x10) | (a ? 0x10 : 0);
    }

    /** EFLAGS as the guest sees it. */
    final int getEflags() {
        return eflags | arithmeticFlags();
    }

    /** Stores all EFLAGS bits as given (callers apply the privilege rules and bit masks). */
    void setEflagsRaw(int f) {
        eflags = (f & DEFINED_FLAGS & ~ARITH_FLAGS) | 2;
        setArithmeticFlags(f);
    }

    /** Jcc/SETcc/CMOVcc condition by its 4-bit code. */
    final boolean condition(int cc) {
        boolean r = switch (cc >>> 1) {
            case 0 -> of();
            case 1 -> cf();
            case 2 -> flagRes == 0;
            case 3 -> cf() || flagRes == 0;
            case 4 -> sf();
            case 5 -> pf();
            case 6 -> sf() != of();
            default -> flagRes == 0 || sf() != of();
        };
        return r ^ ((cc & 1) != 0);
    }

    // ---- flag producers. shift = 32 - operand bits; results are passed unmasked ----

    final void flagsAdd(int a, int b, int r, int shift) {
        int c = (a & b) | ((a | b) & ~r);
        flagRes = (r << shift) >> shift;
        flagAux = ((c << shift) & 0xC0000000) | ((c << 1) & 0x10);
    }

    final void flagsSub(int a, int b, int r, int shift) {
        int c = (~a & b) | ((~a | b) & r);
        flagRes = (r << shift) >> shift;
        flagAux = ((c << shift) & 0xC0000000) | ((c << 1) & 0x10);
    }

    final void flagsLogic(int r, int shift) {
        flagRes = (r << shift) >> shift;
        flagAux = 0;
    }

    /** INC/DEC: CF keeps its value. */
    final void flagsIncDec(int r, int shift, boolean inc) {
        int res = (r << shift) >> shift;
        boolean o = inc ? res == (0x80000000 >> shift) : res == (0x7FFFFFFF >> shift);
        boolean a = inc ? (r & 0xF) == 0 : (r & 0xF) == 0xF;
        boolean c = flagAux < 0;
        flagRes = res;
        flagAux = (c ? 0x80000000 : 0) | (c != o ? 0x40000000 : 0) | (a ? 0x10 : 0);
    }

    /** Sets SF, ZF, PF from a result and CF, OF, AF explicitly. */
    final void flagsResult(int r, int shift, boolean c, boolean o, boolean a) {
        flagRes = (r << shift) >> shift;
        flagAux = (c ? 0x80000000 : 0) | (c != o ? 0x40000000 : 0) | (a ? 0x10 : 0);
    }

    static int parityFlag(int value) {
        return PARITY_EVEN[value & 0xFF] ? PF : 0;
    }
}
