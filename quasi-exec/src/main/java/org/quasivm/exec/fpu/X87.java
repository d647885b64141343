package org.quasivm.exec.fpu;

import org.quasivm.exec.state.FpuState;

/**
 * The x87 floating-point unit of an i686: eight 80-bit registers, control/status/tag words, the last-instruction
 * pointers, and every D8..DF instruction, computed in software 80-bit arithmetic ({@link Float80Arithmetic}).
 *
 * <p>The integer CPU decodes the instruction, computes the memory operand's address and calls {@link #execute}. Before
 * that it checks {@link #isDefined} (#UD otherwise), CR0.EM/TS (#NM) and, for waiting instructions
 * ({@link #isWaiting}), {@link #unmaskedExceptionPending()} (#MF when CR0.NE is set, the FERR# line otherwise).
 * Memory accesses go through {@link X87Host}; a fault thrown there propagates unchanged, and no x87 state changes
 * before the last access that can fault.
 */
public final class X87 {

    // Status word bits (Intel SDM vol. 1, figure 8-4).
    static final int IE = 0x0001;
    static final int DE = 0x0002;
    static final int ZE = 0x0004;
    static final int OE = 0x0008;
    static final int UE = 0x0010;
    static final int PE = 0x0020;
    static final int SF = 0x0040;
    static final int ES = 0x0080;
    static final int C0 = 0x0100;
    static final int C1 = 0x0200;
    static final int C2 = 0x0400;
    static final int C3 = 0x4000;
    static final int B = 0x8000;
    static final int EXCEPTION_FLAGS = 0x3F;
    static final int TOP_SHIFT = 11;
    static final int TOP_BITS = 0x3800;

    /** FLDCW keeps these control-word bits; bit 6 always reads as one. */
    static final int CW_WRITABLE = 0x1F3F;
    static final int CW_RESERVED_ONE = 0x0040;

    private static final int OP_ADD = 0;
    private static final int OP_MUL = 1;
    private static final int OP_SUB = 4;
    private static final int OP_DIV = 6;

    private final long[] sig = new long[8];
    private final int[] se = new int[8];
    /** Bit i set: physical register Ri is empty (the abridged tag word, inverted). */
    private int emptyMask;
    private int top;
    private int cw;
    /** The status word without TOP. */
    private int sw;
    private int fop;
    private long fip;
    private int fcs;
    private long fdp;
    private int fds;
    private int mxcsr;
    private final byte[] xmm = new byte[FpuState.XMM_BYTES];

    private final Float80Arithmetic alu = new Float80Arithmetic();
    private final X87Transcendentals transcendentals = new X87Transcendentals(alu);
    private final X87Environment environment = new X87Environment(this);

    public X87() {
        reset();
    }

    /** Power-on RESET state (Intel SDM vol. 3, table 9-1): FCW 0040h, FSW 0, all registers +0.0 and tagged zero. */
    public void reset() {
        restore(FpuState.powerOn());
    }

    public FpuState save() {
        byte[] regs = new byte[8 * FpuState.REGISTER_BYTES];
        for (int r = 0; r < 8; r++) {
            int base = r * FpuState.REGISTER_BYTES;
            for (int b = 0; b < 8; b++) {
                regs[base + b] = (byte) (sig[r] >>> (8 * b));
            }
            regs[base + 8] = (byte) se[r];
            regs[base + 9] = (byte) (se[r] >>> 8);
        }
        return new FpuState(controlWord(), statusWord(), fullTagWord(), fop, fip, fcs, fdp, fds, regs, mxcsr, xmm);
    }

    /**
     * Loads a saved state. The record is structurally checked by its constructor; here the values the x87 cannot
     * hold are refused: a last-instruction or data pointer beyond 32 bits, MXCSR reserved bits.
     */
    public void restore(FpuState state) {
        if ((state.lastIp() >>> 32) != 0 || (state.lastDp() >>> 32) != 0) {
            throw new IllegalArgumentException("x87 state: FIP/FDP must be 32-bit offsets");
        }
        if (!isValidMxcsr(state.mxcsr())) {
            throw new IllegalArgumentException("x87 state: MXCSR has reserved bits set: 0x"
                    + Integer.toHexString(state.mxcsr()));
        }
        byte[] regs = state.registers();
        for (int r = 0; r < 8; r++) {
            int base = r * FpuState.REGISTER_BYTES;
            long s = 0;
            for (int b = 7; b >= 0; b--) {
                s = (s << 8) | (regs[base + b] & 0xFF);
            }
            sig[r] = s;
            se[r] = (regs[base + 8] & 0xFF) | (regs[base + 9] & 0xFF) << 8;
        }
        cw = state.controlWord() & CW_WRITABLE | CW_RESERVED_ONE;
        top = (state.statusWord() & TOP_BITS) >>> TOP_SHIFT;
        sw = state.statusWord() & ~TOP_BITS;
        emptyMask = 0;
        for (int r = 0; r < 8; r++) {
            if (((state.tagWord() >>> (2 * r)) & 3) == 3) {
                emptyMask |= 1 << r;
            }
        }
        fop = state.lastOpcode();
        fip = state.lastIp();
        fcs = state.lastCs();
        fdp = state.lastDp();
        fds = state.lastDs();
        mxcsr = state.mxcsr();
        System.arraycopy(state.xmm(), 0, xmm, 0, xmm.length);
    }

    /**
     * Whether the instruction waits for pending unmasked exceptions first (#MF): false for the "no-wait" control
     * instructions FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV and FNSAVE.
     */
    public static boolean isWaiting(int opcode, int modrm) {
        return X87Opcodes.isWaiting(opcode, modrm);
    }

    /** Whether opcode D8..DF with this ModRM exists on this x87; the CPU raises #UD for the rest. */
    public static boolean isDefined(int opcode, int modrm) {
        return X87Opcodes.isDefined(opcode, modrm);
    }

    /** FSW.ES: an unmasked exception is pending and the next waiting instruction signals it. */
    public boolean unmaskedExceptionPending() {
        return (sw & ES) != 0;
    }

    /**
     * Whether FXRSTOR may load this MXCSR value; the CPU raises #GP(0) when it may not (FXRSTOR itself never
     * faults on it). The value is at offset 24 of the FXSAVE image.
     */
    public static boolean isValidMxcsr(int value) {
        return (value & ~X87Environment.MXCSR_MASK) == 0;
    }

    /** The control word as FNSTCW stores it. */
    public int controlWord() {
        return cw;
    }

    /** The status word as FNSTSW stores it (TOP included). */
    public int statusWord() {
        return sw & ~TOP_BITS | top << TOP_SHIFT;
    }

    /**
     * Executes one x87 instruction: {@code opcode} D8..DF and its ModRM byte. Memory forms access
     * {@code linearAddress} and record {@code offset}/{@code dataSelector} as FDP/FDS.
     *
     * @throws IllegalArgumentException for an encoding {@link #isDefined} rejects (the CPU raises #UD instead)
     */
    public void execute(int opcode, int modrm, long linearAddress, long offset, int dataSelector, X87Host host) {
        if (!isDefined(opcode, modrm)) {
            throw new IllegalArgumentException("undefined x87 encoding " + Integer.toHexString(opcode) + " "
                    + Integer.toHexString(modrm));
        }
        int reg = (modrm >> 3) & 7;
        if ((modrm & 0xC0) != 0xC0) {
            if (executeMemory(opcode, reg, linearAddress, host)) {
                fdp = offset & 0xFFFF_FFFFL;
                fds = dataSelector & 0xFFFF;
                recordInstruction(opcode, modrm, host);
            }
        } else if (executeRegister(opcode, modrm, reg, modrm & 7, host)) {
            recordInstruction(opcode, modrm, host);
        }
    }

    /** FXSAVE: the 512-byte image at {@code linearAddress} (alignment is the CPU's check). */
    public void fxsave(long linearAddress, X87Host host) {
        host.checkWritable(linearAddress, 512);
        environment.writeFxsave(linearAddress, host);
    }

    /** FXRSTOR from the 512-byte image; MXCSR reserved bits are ignored here (see {@link #isValidMxcsr}). */
    public void fxrstor(long linearAddress, X87Host host) {
        environment.readFxrstor(linearAddress, host);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Memory forms. Each returns whether it is a non-control instruction (which records FIP/FDP/FOP).

    private boolean executeMemory(int opcode, int reg, long address, X87Host host) {
        switch (opcode) {
            case 0xD8 -> {
                alu.fromFloat32(host.read32(address));
                arithmeticWithMemory(reg);
            }
            case 0xDC -> {
                alu.fromFloat64(host.read64(address));
                arithmeticWithMemory(reg);
            }
            case 0xDA -> {
                alu.fromInteger(host.read32(address));
                arithmeticWithMemory(reg);
            }
            case 0xDE -> {
                alu.fromInteger((short) host.read16(address));
                arithmeticWithMemory(reg);
            }
            case 0xD9 -> {
                switch (reg) {
                    case 0 -> {
                        alu.fromFloat32(host.read32(address));
                        loadConverted();
                    }
                    case 2, 3 -> storeFloat32(address, reg == 3, host);
                    case 4 -> {
                        environment.loadEnvironment(address, host);
                        return false;
                    }
                    case 5 -> {
                        loadControlWord(host.read16(address));
                        return false;
                    }
                    case 6 -> {
                        environment.storeEnvironment(address, host);
                        return false;
                    }
                    case 7 -> {
                        host.write16(address, cw);
                        return false;
                    }
                    default -> throw new AssertionError(reg);
                }
            }
            case 0xDB -> {
                switch (reg) {
                    case 0 -> {
                        alu.fromInteger(host.read32(address));
                        loadConverted();
                    }
                    case 2, 3 -> storeInteger(address, 32, reg == 3, host);
                    case 5 -> {
                        long s = host.read64(address);
                        int e = host.read16(address + 8);
                        push(e & 0xFFFF, s, 0);
                    }
                    case 7 -> storeExtended(address, host);
                    default -> throw new AssertionError(reg);
                }
            }
            case 0xDD -> {
                switch (reg) {
                    case 0 -> {
                        alu.fromFloat64(host.read64(address));
                        loadConverted();
                    }
                    case 2, 3 -> storeFloat64(address, reg == 3, host);
                    case 4 -> {
                        environment.restoreState(address, host);
                        return false;
                    }
                    case 6 -> {
                        environment.saveState(address, host);
                        initialize();
                        return false;
                    }
                    case 7 -> {
                        host.write16(address, statusWord());
                        return false;
                    }
                    default -> throw new AssertionError(reg);
                }
            }
            case 0xDF -> {
                switch (reg) {
                    case 0 -> {
                        alu.fromInteger((short) host.read16(address));
                        loadConverted();
                    }
                    case 2, 3 -> storeInteger(address, 16, reg == 3, host);
                    case 4 -> {
                        long low = host.read64(address);
                        int high = host.read16(address + 8);
                        PackedBcd.toFloat80(low, high, alu);
                        loadConverted();
                    }
                    case 5 -> {
                        alu.fromInteger(host.read64(address));
                        loadConverted();
                    }
                    case 6 -> storeBcd(address, host);
                    case 7 -> storeInteger(address, 64, true, host);
                    default -> throw new AssertionError(reg);
                }
            }
            default -> throw new AssertionError(opcode);
        }
        return true;
    }

    /** D8/DA/DC/DE memory forms: ST0 op converted operand (held in the ALU's result). */
    private void arithmeticWithMemory(int reg) {
        int mSe = alu.resultSe;
        long mSig = alu.resultSig;
        int memoryDenormal = (alu.flags & DE) != 0 ? 1 : 0;
        int st0 = physical(0);
        boolean empty = isEmpty(st0);
        switch (reg) {
            case 2, 3 -> compare(st0, empty, mSe, mSig, memoryDenormal * Float80Arithmetic.Y_FROM_DENORMAL, false,
                    reg == 3 ? 1 : 0);
            case 0, 1, 4, 6 -> {
                if (empty) {
                    stackUnderflow(0, false);
                } else {
                    binary(reg, 0, se[st0], sig[st0], mSe, mSig, memoryDenormal * Float80Arithmetic.Y_FROM_DENORMAL,
                            false);
                }
            }
            case 5, 7 -> {
                if (empty) {
                    stackUnderflow(0, false);
                } else {
                    binary(reg - 1, 0, mSe, mSig, se[st0], sig[st0],
                            memoryDenormal * Float80Arithmetic.X_FROM_DENORMAL, false);
                }
            }
            default -> throw new AssertionError(reg);
        }
    }

    /** FLD/FILD/FBLD of a value already converted by the ALU (flags: DE for a denormal source). */
    private void loadConverted() {
        int rSe = alu.resultSe;
        long rSig = alu.resultSig;
        int f = alu.flags;
        if (Float80.isSignalingNaN(rSe, rSig)) {
            f |= IE;
            rSig |= Float80.QUIET_BIT;
        }
        push(rSe, rSig, f);
    }

    /** Whether a load pushes its value: only an unmasked IE stops it (a denormal source still loads). */
    private boolean loadAllowed(int f) {
        return (f & ~cw & IE) == 0;
    }

    private void storeFloat32(long address, boolean pop, X87Host host) {
        int st0 = physical(0);
        int bits;
        int f;
        if (isEmpty(st0)) {
            bits = 0xFFC0_0000;
            f = IE | SF;
        } else {
            alu.control(cw);
            bits = alu.toFloat32(se[st0], sig[st0]);
            f = alu.flags;
        }
        if (storeAllowed(f)) {
            host.write32(address, bits);
            finishStore(f, pop);
        } else {
            signalSuppressedStore(f);
        }
    }

    private void storeFloat64(long address, boolean pop, X87Host host) {
        int st0 = physical(0);
        long bits;
        int f;
        if (isEmpty(st0)) {
            bits = 0xFFF8_0000_0000_0000L;
            f = IE | SF;
        } else {
            alu.control(cw);
            bits = alu.toFloat64(se[st0], sig[st0]);
            f = alu.flags;
        }
        if (storeAllowed(f)) {
            host.write64(address, bits);
            finishStore(f, pop);
        } else {
            signalSuppressedStore(f);
        }
    }

    private void storeInteger(long address, int width, boolean pop, X87Host host) {
        int st0 = physical(0);
        long value;
        int f;
        if (isEmpty(st0)) {
            value = -1L << (width - 1); // the integer indefinite
            f = IE | SF;
        } else {
            alu.control(cw);
            value = alu.toInteger(se[st0], sig[st0], width);
            f = alu.flags;
        }
        if (storeAllowed(f)) {
            switch (width) {
                case 16 -> host.write16(address, (int) value & 0xFFFF);
                case 32 -> host.write32(address, (int) value);
                default -> host.write64(address, value);
            }
            finishStore(f, pop);
        } else {
            signal(f);
        }
    }

    private void storeBcd(long address, X87Host host) {
        int st0 = physical(0);
        int f;
        if (isEmpty(st0)) {
            f = IE | SF;
            PackedBcd.setIndefinite(alu);
        } else {
            alu.control(cw);
            PackedBcd.fromFloat80(se[st0], sig[st0], alu);
            f = alu.flags;
        }
        if (storeAllowed(f)) {
            host.checkWritable(address, 10);
            host.write64(address, alu.resultSig);
            host.write16(address + 8, alu.resultSe);
            finishStore(f, true);
        } else {
            signal(f);
        }
    }

    private void storeExtended(long address, X87Host host) {
        int st0 = physical(0);
        int f = 0;
        int vSe = se[st0];
        long vSig = sig[st0];
        if (isEmpty(st0)) {
            f = IE | SF;
            vSe = Float80.INDEFINITE_SE;
            vSig = Float80.INDEFINITE_SIG;
        }
        if (storeAllowed(f)) {
            host.checkWritable(address, 10);
            host.write64(address, vSig);
            host.write16(address + 8, vSe);
            finishStore(f, true);
        } else {
            signal(f);
        }
    }

    /** A memory destination gets nothing when IE, OE or UE is unmasked (SDM vol. 1, 8.5.1, 8.5.4, 8.5.5). */
    private boolean storeAllowed(int f) {
        return (f & ~cw & (IE | DE | ZE | OE | UE)) == 0;
    }

    /** A store an unmasked exception suppressed: an unmasked OE/UE reports no PE, and C1 is cleared. */
    private void signalSuppressedStore(int f) {
        if ((f & ~cw & (OE | UE)) != 0) {
            f &= ~(PE | C1);
        }
        signal(f);
    }

    private void finishStore(int f, boolean pop) {
        signal(f);
        if (pop) {
            pop();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Register forms.

    private boolean executeRegister(int opcode, int modrm, int reg, int i, X87Host host) {
        switch (opcode) {
            case 0xD8 -> registerArithmetic(reg, 0, i, false, false);
            case 0xDC -> registerArithmetic(reg, i, i, true, false);
            case 0xDE -> {
                if (reg == 3) {
                    compareRegisters(1, 2, false); // FCOMPP (DE D9)
                } else {
                    registerArithmetic(reg, i, i, true, true);
                }
            }
            case 0xD9 -> {
                return executeD9(modrm, reg, i);
            }
            case 0xDA -> {
                if (modrm == 0xE9) {
                    compareRegisters(1, 2, true); // FUCOMPP
                } else {
                    conditionalMove(reg, i, false, host);
                }
            }
            case 0xDB -> {
                switch (reg) {
                    case 0, 1, 2, 3 -> conditionalMove(reg, i, true, host);
                    case 4 -> {
                        switch (modrm) {
                            case 0xE2 -> {
                                sw &= ~(EXCEPTION_FLAGS | SF | ES | B);
                                return false;
                            }
                            case 0xE3 -> {
                                initialize();
                                return false;
                            }
                            default -> {
                                // FNENI, FNDISI, FNSETPM: 8087/287 controls the 387 and later treat as FNOP.
                            }
                        }
                    }
                    case 5 -> compareToFlags(i, true, false, host);
                    case 6 -> compareToFlags(i, false, false, host);
                    default -> throw new AssertionError(modrm);
                }
            }
            case 0xDD -> {
                switch (reg) {
                    case 0 -> { // FFREE
                        emptyMask |= 1 << physical(i);
                        sw &= ~C1;
                    }
                    case 1 -> exchange(i);
                    case 2 -> storeRegister(i, false);
                    case 3 -> storeRegister(i, true);
                    case 4 -> compareRegisters(i, 0, true);
                    case 5 -> compareRegisters(i, 1, true);
                    default -> throw new AssertionError(modrm);
                }
            }
            case 0xDF -> {
                switch (reg) {
                    case 0 -> { // FFREEP
                        emptyMask |= 1 << physical(i);
                        sw &= ~C1;
                        pop();
                    }
                    case 1 -> exchange(i);
                    case 2, 3 -> storeRegister(i, true);
                    case 4 -> {
                        host.setAx(statusWord());
                        return false;
                    }
                    case 5 -> compareToFlags(i, true, true, host);
                    case 6 -> compareToFlags(i, false, true, host);
                    default -> throw new AssertionError(modrm);
                }
            }
            default -> throw new AssertionError(opcode);
        }
        return true;
    }

    /**
     * D8, DC and DE register forms. D8 computes into ST0; DC/DE into ST(i), with the SUB/SUBR and DIV/DIVR reg
     * fields swapped relative to D8 (SDM: DC E0+i is FSUBR ST(i),ST0).
     */
    private void registerArithmetic(int reg, int dest, int i, boolean toStI, boolean pop) {
        if (reg == 2 || reg == 3) {
            // FCOM/FCOMP; DC D0/D8 (FCOM2/FCOMP3) and DE D0 (FCOMP5) are the aliases, DE D8+i pops once too.
            compareRegisters(i, reg == 3 || pop ? 1 : 0, false);
            return;
        }
        int a;
        int b;
        int op;
        switch (reg) {
            case 0, 1 -> {
                op = reg;
                a = dest == 0 ? 0 : i;
                b = dest == 0 ? i : 0;
            }
            case 4, 5 -> {
                op = OP_SUB;
                // /4 is always ST0 - ST(i) and /5 ST(i) - ST0; only the destination differs (DC E0+i is FSUBR
                // ST(i),ST0 by name, computing ST0 - ST(i)).
                boolean stMinusOther = reg == 4;
                a = stMinusOther ? 0 : i;
                b = stMinusOther ? i : 0;
            }
            default -> {
                op = OP_DIV;
                boolean stOverOther = reg == 6;
                a = stOverOther ? 0 : i;
                b = stOverOther ? i : 0;
            }
        }
        int pa = physical(a);
        int pb = physical(b);
        if (isEmpty(pa) || isEmpty(pb)) {
            stackUnderflow(dest, pop);
        } else {
            binary(op, dest, se[pa], sig[pa], se[pb], sig[pb], 0, pop);
        }
    }

    private boolean executeD9(int modrm, int reg, int i) {
        switch (reg) {
            case 0 -> loadRegister(i);
            case 1 -> exchange(i);
            case 2 -> {
                // D9 D0: FNOP
            }
            case 3 -> { // D9 D8+i: FSTP1 on the 387, a store-and-pop that never signals on later x87s
                int p0 = physical(0);
                if (!isEmpty(p0)) {
                    int pi = physical(i);
                    se[pi] = se[p0];
                    sig[pi] = sig[p0];
                    emptyMask &= ~(1 << pi);
                }
                sw &= ~C1;
                pop();
            }
            case 4 -> {
                switch (modrm) {
                    case 0xE0, 0xE1 -> changeSign(modrm == 0xE1);
                    case 0xE4 -> test();
                    case 0xE5 -> examine();
                    default -> throw new AssertionError(modrm);
                }
            }
            case 5 -> loadConstant(modrm);
            case 6, 7 -> executeD9F0(modrm);
            default -> throw new AssertionError(modrm);
        }
        return true;
    }

    private void executeD9F0(int modrm) {
        switch (modrm) {
            case 0xF0 -> unaryTranscendental(X87Transcendentals.F2XM1);
            case 0xF1 -> binaryTranscendental(X87Transcendentals.FYL2X);
            case 0xF2 -> pushingTranscendental(X87Transcendentals.FPTAN);
            case 0xF3 -> binaryTranscendental(X87Transcendentals.FPATAN);
            case 0xF4 -> extract();
            case 0xF5 -> partialRemainder(true);
            case 0xF6 -> {
                top = (top - 1) & 7;
                sw &= ~C1;
            }
            case 0xF7 -> {
                top = (top + 1) & 7;
                sw &= ~C1;
            }
            case 0xF8 -> partialRemainder(false);
            case 0xF9 -> binaryTranscendental(X87Transcendentals.FYL2XP1);
            case 0xFA -> squareRoot();
            case 0xFB -> pushingTranscendental(X87Transcendentals.FSINCOS);
            case 0xFC -> roundToInteger();
            case 0xFD -> scale();
            case 0xFE -> unaryTranscendental(X87Transcendentals.FSIN);
            case 0xFF -> unaryTranscendental(X87Transcendentals.FCOS);
            default -> throw new AssertionError(modrm);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Instruction bodies.

    private void binary(int op, int dest, int aSe, long aSig, int bSe, long bSig, int memoryDenormal,
                        boolean pop) {
        alu.control(cw);
        alu.memoryDenormal = memoryDenormal;
        switch (op) {
            case OP_ADD -> alu.add(aSe, aSig, bSe, bSig);
            case OP_MUL -> alu.multiply(aSe, aSig, bSe, bSig);
            case OP_SUB -> alu.subtract(aSe, aSig, bSe, bSig);
            case OP_DIV -> alu.divide(aSe, aSig, bSe, bSig);
            default -> throw new AssertionError(op);
        }
        deliver(dest, alu.flags, pop);
    }

    /** Signals the flags and, unless an unmasked IE/DE/ZE suppresses it, writes the ALU result to ST(dest). */
    private void deliver(int dest, int f, boolean pop) {
        signal(f);
        if (resultAllowed(f)) {
            int p = physical(dest);
            se[p] = alu.resultSe;
            sig[p] = alu.resultSig;
            emptyMask &= ~(1 << p);
            if (pop) {
                pop();
            }
        }
    }

    private boolean resultAllowed(int f) {
        return (f & ~cw & (IE | DE | ZE)) == 0;
    }

    /**
     * ORs exception flags into FSW, sets C1 from the flags (round-up, or stack overflow versus underflow), and
     * recomputes ES/B. An unmasked IE, DE or ZE stops the instruction before its result, so the flags a result
     * would have raised (OE, UE, PE, round-up) are not reported.
     */
    private void signal(int f) {
        if ((f & SF) == 0 && (f & ~cw & (IE | DE | ZE)) != 0) {
            f &= ~(OE | UE | PE | C1);
        }
        sw = (sw & ~C1) | (f & (EXCEPTION_FLAGS | SF | C1));
        updateSummary();
    }

    /** ORs exception flags into FSW leaving C1 alone (FCOMI, FCMOVcc without a stack fault). */
    private void raise(int f) {
        sw |= f & (EXCEPTION_FLAGS | SF);
        updateSummary();
    }

    void updateSummary() {
        if ((sw & ~cw & EXCEPTION_FLAGS) != 0) {
            sw |= ES | B;
        } else {
            sw &= ~(ES | B);
        }
    }

    private void stackUnderflow(int dest, boolean pop) {
        signal(IE | SF);
        if ((cw & IE) != 0) {
            int p = physical(dest);
            se[p] = Float80.INDEFINITE_SE;
            sig[p] = Float80.INDEFINITE_SIG;
            emptyMask &= ~(1 << p);
            if (pop) {
                pop();
            }
        }
    }

    /** Pushes a value (flags from its conversion), handling stack overflow and suppression by unmasked IE/DE. */
    private void push(int vSe, long vSig, int f) {
        int newTop = (top - 1) & 7;
        if (!isEmpty(newTop)) {
            f = IE | SF | C1;
            vSe = Float80.INDEFINITE_SE;
            vSig = Float80.INDEFINITE_SIG;
        }
        signal(f);
        if (loadAllowed(f)) {
            top = newTop;
            se[newTop] = vSe;
            sig[newTop] = vSig;
            emptyMask &= ~(1 << newTop);
        }
    }

    private void pop() {
        emptyMask |= 1 << top;
        top = (top + 1) & 7;
    }

    private void loadRegister(int i) {
        int p = physical(i);
        if (isEmpty(p)) {
            // Underflow takes precedence over a full ST7: the indefinite is pushed over it.
            signal(IE | SF);
            if ((cw & IE) != 0) {
                top = (top - 1) & 7;
                se[top] = Float80.INDEFINITE_SE;
                sig[top] = Float80.INDEFINITE_SIG;
                emptyMask &= ~(1 << top);
            }
        } else {
            push(se[p], sig[p], 0);
        }
    }

    private void storeRegister(int i, boolean pop) {
        int st0 = physical(0);
        if (isEmpty(st0)) {
            stackUnderflow(i, pop);
            return;
        }
        int p = physical(i);
        se[p] = se[st0];
        sig[p] = sig[st0];
        emptyMask &= ~(1 << p);
        sw &= ~C1;
        if (pop) {
            pop();
        }
    }

    private void exchange(int i) {
        int p0 = physical(0);
        int pi = physical(i);
        boolean empty0 = isEmpty(p0);
        boolean emptyI = isEmpty(pi);
        if (empty0 || emptyI) {
            signal(IE | SF);
            if ((cw & IE) == 0) {
                return;
            }
            if (empty0) {
                se[p0] = Float80.INDEFINITE_SE;
                sig[p0] = Float80.INDEFINITE_SIG;
            }
            if (emptyI) {
                se[pi] = Float80.INDEFINITE_SE;
                sig[pi] = Float80.INDEFINITE_SIG;
            }
            emptyMask &= ~(1 << p0 | 1 << pi);
        } else {
            sw &= ~C1;
        }
        int tSe = se[p0];
        long tSig = sig[p0];
        se[p0] = se[pi];
        sig[p0] = sig[pi];
        se[pi] = tSe;
        sig[pi] = tSig;
    }

    private void changeSign(boolean absolute) {
        int p = physical(0);
        if (isEmpty(p)) {
            stackUnderflow(0, false);
            return;
        }
        se[p] = absolute ? se[p] & Float80.EXP_MASK : se[p] ^ Float80.SIGN;
        sw &= ~C1;
    }

    private void conditionalMove(int condition, int i, boolean negate, X87Host host) {
        int p0 = physical(0);
        int pi = physical(i);
        if (isEmpty(p0) || isEmpty(pi)) {
            stackUnderflow(0, false);
            return;
        }
        if (host.condition(condition) != negate) {
            se[p0] = se[pi];
            sig[p0] = sig[pi];
        }
    }

    private void loadConstant(int modrm) {
        if (modrm == 0xEF) {
            throw new AssertionError(modrm);
        }
        alu.control(cw);
        alu.constant(modrm - 0xE8);
        push(alu.resultSe, alu.resultSig, 0);
    }

    // Compares ---------------------------------------------------------------------------------------------

    /** FCOM/FUCOM family against ST(i), popping {@code pops} times. */
    private void compareRegisters(int i, int pops, boolean unordered) {
        int pi = physical(i);
        compare(physical(0), isEmpty(physical(0)) || isEmpty(pi), se[pi], sig[pi], 0, unordered, pops);
    }

    /** The condition codes are written even when an unmasked exception suppresses the pops. */
    private void compare(int st0, boolean empty, int bSe, long bSig, int memoryDenormal, boolean unordered,
                         int pops) {
        int f;
        int cc;
        if (empty) {
            f = IE | SF;
            cc = C3 | C2 | C0;
        } else {
            alu.control(cw);
            alu.memoryDenormal = memoryDenormal;
            cc = conditionCodes(alu.compare(se[st0], sig[st0], bSe, bSig, !unordered));
            f = alu.flags;
        }
        signal(f & ~C1);
        sw = (sw & ~(C0 | C2 | C3)) | cc;
        if (resultAllowed(f)) {
            for (int k = 0; k < pops; k++) {
                pop();
            }
        }
    }

    private static int conditionCodes(int relation) {
        return switch (relation) {
            case Float80Arithmetic.LESS -> C0;
            case Float80Arithmetic.EQUAL -> C3;
            case Float80Arithmetic.GREATER -> 0;
            default -> C3 | C2 | C0;
        };
    }

    private void compareToFlags(int i, boolean unordered, boolean pop, X87Host host) {
        int p0 = physical(0);
        int pi = physical(i);
        int f;
        int relation;
        if (isEmpty(p0) || isEmpty(pi)) {
            f = IE | SF;
            relation = Float80Arithmetic.UNORDERED;
        } else {
            alu.control(cw);
            relation = alu.compare(se[p0], sig[p0], se[pi], sig[pi], !unordered);
            f = alu.flags;
        }
        if ((f & SF) != 0) {
            signal(f);
        } else {
            raise(f);
        }
        boolean unord = relation == Float80Arithmetic.UNORDERED;
        host.setComparisonFlags(unord || relation == Float80Arithmetic.EQUAL, unord,
                unord || relation == Float80Arithmetic.LESS);
        if (pop && resultAllowed(f)) {
            pop();
        }
    }

    private void test() {
        int p = physical(0);
        compare(p, isEmpty(p), 0, 0, 0, false, 0);
    }

    /** FXAM (SDM vol. 1, table 8-7): class in C3/C2/C0, sign in C1; never raises anything. */
    private void examine() {
        int p = physical(0);
        int cc;
        if (isEmpty(p)) {
            cc = C3 | C0;
        } else {
            cc = switch (Float80.classify(se[p], sig[p])) {
                case Float80.UNSUPPORTED -> 0;
                case Float80.QNAN, Float80.SNAN -> C0;
                case Float80.NORMAL -> C2;
                case Float80.INFINITY -> C2 | C0;
                case Float80.ZERO -> C3;
                default -> C3 | C2; // denormal
            };
        }
        if ((se[p] & Float80.SIGN) != 0) {
            cc |= C1;
        }
        sw = (sw & ~(C0 | C1 | C2 | C3)) | cc;
    }

    // Unary operations on ST0 ---------------------------------------------------------------------------

    private void squareRoot() {
        int p = physical(0);
        if (isEmpty(p)) {
            stackUnderflow(0, false);
            return;
        }
        alu.control(cw);
        alu.squareRoot(se[p], sig[p]);
        deliver(0, alu.flags, false);
    }

    private void roundToInteger() {
        int p = physical(0);
        if (isEmpty(p)) {
            stackUnderflow(0, false);
            return;
        }
        alu.control(cw);
        alu.roundToIntegral(se[p], sig[p]);
        deliver(0, alu.flags, false);
    }

    private void scale() {
        int p0 = physical(0);
        int p1 = physical(1);
        if (isEmpty(p0) || isEmpty(p1)) {
            stackUnderflow(0, false);
            return;
        }
        alu.control(cw);
        alu.scale(se[p0], sig[p0], se[p1], sig[p1]);
        deliver(0, alu.flags, false);
    }

    /** FPREM/FPREM1: the partial remainder in ST0, quotient bits in C0/C3/C1, C2 set while incomplete. */
    private void partialRemainder(boolean ieee) {
        int p0 = physical(0);
        int p1 = physical(1);
        if (isEmpty(p0) || isEmpty(p1)) {
            sw &= ~C2;
            stackUnderflow(0, false);
            return;
        }
        alu.control(cw);
        int cc = alu.partialRemainder(se[p0], sig[p0], se[p1], sig[p1], ieee);
        int f = alu.flags;
        signal(f & ~C1);
        if (cc == Float80Arithmetic.NO_QUOTIENT || !resultAllowed(f)) {
            sw &= ~(C1 | C2);
        } else {
            sw = (sw & ~(C0 | C1 | C2 | C3)) | cc;
        }
        if (resultAllowed(f)) {
            se[p0] = alu.resultSe;
            sig[p0] = alu.resultSig;
        }
    }

    /** FXTRACT: ST0 becomes the exponent, then the significand is pushed. */
    private void extract() {
        int p0 = physical(0);
        if (isEmpty(p0)) {
            underflowBothResults();
            return;
        }
        if (!isEmpty((top - 1) & 7)) {
            pushOverflowOverST0();
            return;
        }
        alu.control(cw);
        alu.extract(se[p0], sig[p0]);
        int f = alu.flags;
        signal(f);
        if (resultAllowed(f)) {
            se[p0] = alu.result2Se;
            sig[p0] = alu.result2Sig;
            push(alu.resultSe, alu.resultSig, f);
        }
    }

    /** FXTRACT/FPTAN/FSINCOS with ST0 empty: ST0 and the pushed ST0 become indefinite (masked), C1 clear. */
    private void underflowBothResults() {
        signal(IE | SF);
        if ((cw & IE) != 0) {
            int p0 = physical(0);
            se[p0] = Float80.INDEFINITE_SE;
            sig[p0] = Float80.INDEFINITE_SIG;
            emptyMask &= ~(1 << p0);
            top = (top - 1) & 7;
            se[top] = Float80.INDEFINITE_SE;
            sig[top] = Float80.INDEFINITE_SIG;
            emptyMask &= ~(1 << top);
        }
    }

    /** FXTRACT/FPTAN/FSINCOS with ST7 full: ST0 and the new ST0 become indefinite (masked), C1 set. */
    private void pushOverflowOverST0() {
        signal(IE | SF | C1);
        if ((cw & IE) != 0) {
            int p0 = physical(0);
            se[p0] = Float80.INDEFINITE_SE;
            sig[p0] = Float80.INDEFINITE_SIG;
            push(Float80.INDEFINITE_SE, Float80.INDEFINITE_SIG, IE | SF | C1);
        }
    }

    private void unaryTranscendental(int function) {
        int p = physical(0);
        if (isEmpty(p)) {
            if (function != X87Transcendentals.F2XM1) {
                sw &= ~C2;
            }
            stackUnderflow(0, false);
            return;
        }
        alu.control(cw);
        int cc = transcendentals.unary(function, se[p], sig[p]);
        int f = alu.flags;
        if (function == X87Transcendentals.F2XM1) { // no range limit, C2 untouched
            deliver(0, f, false);
            return;
        }
        if (cc != 0) { // C2: argument out of range, ST0 unchanged
            sw = (sw & ~(C1 | C2)) | C2;
            return;
        }
        sw &= ~C2;
        deliver(0, f, false);
    }

    private void binaryTranscendental(int function) {
        int p0 = physical(0);
        int p1 = physical(1);
        if (isEmpty(p0) || isEmpty(p1)) {
            stackUnderflow(1, true);
            return;
        }
        alu.control(cw);
        transcendentals.binary(function, se[p0], sig[p0], se[p1], sig[p1]);
        deliver(1, alu.flags, true);
    }

    /** FPTAN and FSINCOS: ST0 is replaced and a second result is pushed. */
    private void pushingTranscendental(int function) {
        int p0 = physical(0);
        if (isEmpty(p0)) {
            sw &= ~C2;
            underflowBothResults();
            return;
        }
        if (!isEmpty((top - 1) & 7)) {
            sw &= ~C2;
            pushOverflowOverST0();
            return;
        }
        alu.control(cw);
        int cc = transcendentals.unary(function, se[p0], sig[p0]);
        int f = alu.flags;
        if (cc != 0) {
            sw = (sw & ~(C1 | C2)) | C2;
            return;
        }
        sw &= ~C2;
        signal(f);
        if (resultAllowed(f)) {
            se[p0] = alu.resultSe;
            sig[p0] = alu.resultSig;
            push(alu.result2Se, alu.result2Sig, f);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Control state, shared with X87Environment.

    void initialize() {
        cw = 0x037F;
        sw = 0;
        top = 0;
        emptyMask = 0xFF;
        fop = 0;
        fip = 0;
        fcs = 0;
        fdp = 0;
        fds = 0;
    }

    void loadControlWord(int value) {
        cw = value & CW_WRITABLE | CW_RESERVED_ONE;
        updateSummary();
    }

    /** Loads FSW (TOP included) as FLDENV/FRSTOR/FXRSTOR do; ES and B follow the unmasked flags. */
    void loadStatusWord(int value) {
        top = (value & TOP_BITS) >>> TOP_SHIFT;
        sw = value & ~TOP_BITS & 0xFFFF;
        updateSummary();
    }

    int fullTagWord() {
        int tags = 0;
        for (int r = 0; r < 8; r++) {
            int t = isEmpty(r) ? 3 : Float80.tag(se[r], sig[r]);
            tags |= t << (2 * r);
        }
        return tags;
    }

    int abridgedTagWord() {
        return ~emptyMask & 0xFF;
    }

    /** Loads a full tag word: only "empty" (11b) is kept, the other tags follow the register contents. */
    void loadFullTagWord(int tags) {
        emptyMask = 0;
        for (int r = 0; r < 8; r++) {
            if (((tags >>> (2 * r)) & 3) == 3) {
                emptyMask |= 1 << r;
            }
        }
    }

    void loadAbridgedTagWord(int tags) {
        emptyMask = ~tags & 0xFF;
    }

    int top() {
        return top;
    }

    int registerSe(int physical) {
        return se[physical];
    }

    long registerSig(int physical) {
        return sig[physical];
    }

    void setRegister(int physical, int newSe, long newSig) {
        se[physical] = newSe & 0xFFFF;
        sig[physical] = newSig;
    }

    int lastOpcode() {
        return fop;
    }

    long lastIp() {
        return fip;
    }

    int lastCs() {
        return fcs;
    }

    long lastDp() {
        return fdp;
    }

    int lastDs() {
        return fds;
    }

    void setPointers(int opcode, long ip, int cs, long dp, int ds) {
        fop = opcode & 0x7FF;
        fip = ip & 0xFFFF_FFFFL;
        fcs = cs & 0xFFFF;
        fdp = dp & 0xFFFF_FFFFL;
        fds = ds & 0xFFFF;
    }

    int mxcsr() {
        return mxcsr;
    }

    void setMxcsr(int value) {
        mxcsr = value & X87Environment.MXCSR_MASK;
    }

    byte[] xmmRegisters() {
        return xmm;
    }

    private void recordInstruction(int opcode, int modrm, X87Host host) {
        fop = (opcode & 7) << 8 | modrm;
        fcs = host.codeSelector() & 0xFFFF;
        fip = host.instructionPointer() & 0xFFFF_FFFFL;
    }

    private int physical(int stackIndex) {
        return (top + stackIndex) & 7;
    }

    private boolean isEmpty(int physical) {
        return (emptyMask & (1 << physical)) != 0;
    }
}
