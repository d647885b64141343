package org.quasivm.exec.decode;

/**
 * Decodes i686 instructions (one-byte and 0F two-byte maps, with prefixes, ModRM/SIB, 16- and 32-bit addressing)
 * into {@link Insn} records. Decoding happens once per instruction per cached block, so clarity beats speed here.
 *
 * <p>Forms the processor rejects decode to {@link Op#UD} (raised as #UD when executed, so the fault is precise) and
 * instructions longer than 15 bytes to {@link Op#TOO_LONG} (#GP(0)). A decoder is not thread-safe; each CPU owns one.
 */
public final class Decoder {

    /** Where instruction bytes come from. */
    public interface CodeSource {
        /** The byte at {@code position}, or -1 when it is not available from this source (beyond its page). */
        int byteAt(int position);
    }

    public static final int MAX_LENGTH = 15;
    /** Returned by {@link #decode} when the instruction runs past the bytes the source can give. */
    public static final int INCOMPLETE = -1;

    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    private static final int NONE = Insn.NO_REG;

    private CodeSource src;
    private int start;
    private int pos;
    private boolean incomplete;
    private boolean tooLong;

    private boolean o32;
    private boolean a32;
    private int segOverride;
    private int rep;
    private boolean lock;

    private boolean codeDefault32;
    private int op;
    private int reg;
    private int sub;
    private boolean mem;
    private int modRm;
    private int rm;
    private int base;
    private int index;
    private int scale;
    private int seg;
    private int disp;
    private int imm;
    private int imm2;

    /**
     * Decodes the instruction at {@code position} and writes its record at {@code out[at..at+STRIDE)}.
     *
     * @return the instruction length, or {@link #INCOMPLETE}
     */
    public int decode(CodeSource source, int position, boolean code32, int[] out, int at) {
        src = source;
        codeDefault32 = code32;
        start = position;
        pos = position;
        incomplete = false;
        tooLong = false;
        o32 = code32;
        a32 = code32;
        segOverride = -1;
        rep = Insn.REP_NONE;
        lock = false;
        op = Op.UD;
        reg = 0;
        sub = 0;
        mem = false;
        modRm = -1;
        rm = 0;
        base = NONE;
        index = NONE;
        scale = 0;
        seg = DS;
        disp = 0;
        imm = 0;
        imm2 = 0;

        int b = prefixes();
        if (b == 0x0F) {
            twoByte(next());
        } else {
            oneByte(b);
        }
        if (incomplete) {
            return INCOMPLETE;
        }
        int length = pos - start;
        if (tooLong) {
            op = Op.TOO_LONG;
            length = MAX_LENGTH;
        }
        if (lock && !lockable()) {
            op = Op.UD;
        } else if (o32 && !lock) {
            specialize();
        }
        int effSeg = segOverride >= 0 ? segOverride : seg;
        out[at] = op | (length << Insn.LEN_SHIFT) | (reg << Insn.REG_SHIFT) | (sub << Insn.SUB_SHIFT)
                | (effSeg << Insn.SEG_SHIFT) | (rep << Insn.REP_SHIFT) | (a32 ? Insn.A32 : 0) | (o32 ? Insn.O32 : 0)
                | (lock ? Insn.LOCK : 0) | (mem ? Insn.MEM : 0);
        out[at + 1] = base | (index << 5) | (scale << 10) | (rm << 12);
        out[at + 2] = disp;
        out[at + 3] = imm;
        out[at + 4] = imm2;
        return length;
    }

    private int next() {
        if (pos - start >= MAX_LENGTH) {
            tooLong = true;
            return 0;
        }
        int v = src.byteAt(pos);
        if (v < 0) {
            incomplete = true;
            return 0;
        }
        pos++;
        return v;
    }

    private int next16() {
        int lo = next();
        return lo | (next() << 8);
    }

    private int next32() {
        int lo = next16();
        return lo | (next16() << 16);
    }

    /** An immediate of the operand size (Iz): 16 or 32 bits. */
    private int nextIv() {
        return o32 ? next32() : next16();
    }

    private int prefixes() {
        while (true) {
            int b = next();
            if (incomplete || tooLong) {
                return b;
            }
            switch (b) {
                case 0x26 -> segOverride = ES;
                case 0x2E -> segOverride = CS;
                case 0x36 -> segOverride = SS;
                case 0x3E -> segOverride = DS;
                case 0x64 -> segOverride = FS;
                case 0x65 -> segOverride = GS;
                case 0x66 -> o32 = !codeDefault32;
                case 0x67 -> a32 = !codeDefault32;
                case 0xF0 -> lock = true;
                case 0xF2 -> rep = Insn.REP_NE;
                case 0xF3 -> rep = Insn.REP_E;
                default -> {
                    return b;
                }
            }
        }
    }

    private void modrm() {
        modRm = next();
        int mod = modRm >>> 6;
        reg = (modRm >>> 3) & 7;
        int r = modRm & 7;
        if (mod == 3) {
            mem = false;
            rm = r;
            return;
        }
        mem = true;
        if (!a32) {
            switch (r) {
                case 0 -> { base = EBX; index = ESI; }
                case 1 -> { base = EBX; index = EDI; }
                case 2 -> { base = EBP; index = ESI; seg = SS; }
                case 3 -> { base = EBP; index = EDI; seg = SS; }
                case 4 -> base = ESI;
                case 5 -> base = EDI;
                case 6 -> {
                    if (mod != 0) {
                        base = EBP;
                        seg = SS;
                    }
                }
                default -> base = EBX;
            }
            if (mod == 0 && r == 6) {
                disp = next16();
            } else if (mod == 1) {
                disp = (byte) next();
            } else if (mod == 2) {
                disp = next16();
            }
            return;
        }
        if (r == 4) {
            int sib = next();
            scale = sib >>> 6;
            int idx = (sib >>> 3) & 7;
            index = idx == ESP ? NONE : idx;
            int b = sib & 7;
            if (b == EBP && mod == 0) {
                disp = next32();
            } else {
                base = b;
                if (b == ESP || b == EBP) {
                    seg = SS;
                }
            }
        } else if (r == 5 && mod == 0) {
            disp = next32();
        } else {
            base = r;
            if (r == EBP) {
                seg = SS;
            }
        }
        if (mod == 1) {
            disp = (byte) next();
        } else if (mod == 2) {
            disp = next32();
        }
    }

    private static int reg8(int r) {
        return r < 4 ? r : (r - 4) | 8;
    }

    /** ModRM where both the reg and the r/m operand are byte registers. */
    private void modrm8() {
        modrm();
        reg = reg8(reg);
        if (!mem) {
            rm = reg8(rm);
        }
    }

    /** ModRM where only r/m is a byte operand (groups, SETcc, MOVZX/MOVSX from a byte). */
    private void modrmRm8() {
        modrm();
        if (!mem) {
            rm = reg8(rm);
        }
    }

    /** ModRM of MOV to/from CRn/DRn: the mod bits are ignored and r/m always names a general register. */
    private void modrmRegisterOnly() {
        modRm = next();
        reg = (modRm >>> 3) & 7;
        rm = modRm & 7;
        mem = false;
    }

    private void memOnly() {
        if (!mem) {
            op = Op.UD;
        }
    }

    private void set(int operation) {
        op = operation;
    }

    private int rel8() {
        return (byte) next();
    }

    private int relV() {
        return o32 ? next32() : (short) next16();
    }

    private void oneByte(int b) {
        if (b < 0x40 && (b & 7) < 6) {
            alu(b);
            return;
        }
        if (b >= 0x40 && b < 0x60) {
            set(switch (b >>> 3) {
                case 8 -> Op.INC_Ev;
                case 9 -> Op.DEC_Ev;
                case 10 -> Op.PUSH_Ev;
                default -> Op.POP_Ev;
            });
            rm = b & 7;
            return;
        }
        if (b >= 0x70 && b < 0x80) {
            set(Op.JCC);
            sub = b & 15;
            imm = rel8();
            return;
        }
        if (b >= 0x91 && b < 0x98) {
            set(Op.XCHG_EvGv);
            reg = EAX;
            rm = b & 7;
            return;
        }
        if (b >= 0xB0 && b < 0xB8) {
            set(Op.MOV_EbIb);
            rm = reg8(b & 7);
            imm = next();
            return;
        }
        if (b >= 0xB8 && b < 0xC0) {
            set(Op.MOV_EvIv);
            rm = b & 7;
            imm = nextIv();
            return;
        }
        if (b >= 0xD8 && b < 0xE0) {
            modrm();
            set(Op.ESC);
            sub = b & 7;
            imm = modRm;
            imm2 = x87Attributes(b, modRm, o32);
            return;
        }
        switch (b) {
            case 0x06, 0x0E, 0x16, 0x1E -> { set(Op.PUSH_Sw); sub = b >>> 3; }
            case 0x07, 0x17, 0x1F -> { set(Op.POP_Sw); sub = b >>> 3; }
            case 0x27 -> set(Op.DAA);
            case 0x2F -> set(Op.DAS);
            case 0x37 -> set(Op.AAA);
            case 0x3F -> set(Op.AAS);
            case 0x60 -> set(Op.PUSHA);
            case 0x61 -> set(Op.POPA);
            case 0x62 -> { modrm(); set(Op.BOUND); memOnly(); }
            case 0x63 -> { modrm(); set(Op.ARPL); }
            case 0x68 -> { set(Op.PUSH_Iv); imm = nextIv(); }
            case 0x69 -> { modrm(); set(Op.IMUL_GvEvIv); imm = nextIv(); }
            case 0x6A -> { set(Op.PUSH_Iv); imm = rel8(); }
            case 0x6B -> { modrm(); set(Op.IMUL_GvEvIv); imm = rel8(); }
            case 0x6C -> set(Op.INSB);
            case 0x6D -> set(Op.INSV);
            case 0x6E -> set(Op.OUTSB);
            case 0x6F -> set(Op.OUTSV);
            case 0x80, 0x82 -> { modrmRm8(); set(Op.ALU_EbIb); sub = reg; reg = 0; imm = next(); }
            case 0x81 -> { modrm(); set(Op.ALU_EvIv); sub = reg; reg = 0; imm = nextIv(); }
            case 0x83 -> { modrm(); set(Op.ALU_EvIv); sub = reg; reg = 0; imm = rel8(); }
            case 0x84 -> { modrm8(); set(Op.TEST_EbGb); }
            case 0x85 -> { modrm(); set(Op.TEST_EvGv); }
            case 0x86 -> { modrm8(); set(Op.XCHG_EbGb); }
            case 0x87 -> { modrm(); set(Op.XCHG_EvGv); }
            case 0x88 -> { modrm8(); set(Op.MOV_EbGb); }
            case 0x89 -> { modrm(); set(Op.MOV_EvGv); }
            case 0x8A -> { modrm8(); set(Op.MOV_GbEb); }
            case 0x8B -> { modrm(); set(Op.MOV_GvEv); }
            case 0x8C -> { modrm(); set(reg > GS ? Op.UD : Op.MOV_EwSw); }
            case 0x8D -> { modrm(); set(Op.LEA); memOnly(); }
            case 0x8E -> { modrm(); set(reg > GS || reg == CS ? Op.UD : Op.MOV_SwEw); }
            case 0x8F -> { modrm(); set(reg == 0 ? Op.POP_Ev : Op.UD); }
            case 0x90 -> set(Op.NOP);
            case 0x98 -> set(Op.CBW);
            case 0x99 -> set(Op.CWD);
            case 0x9A -> { set(Op.CALLF_Ap); imm = nextIv(); imm2 = next16(); }
            case 0x9B -> set(Op.WAIT);
            case 0x9C -> set(Op.PUSHF);
            case 0x9D -> set(Op.POPF);
            case 0x9E -> set(Op.SAHF);
            case 0x9F -> set(Op.LAHF);
            case 0xA0, 0xA1, 0xA2, 0xA3 -> {
                set(switch (b) {
                    case 0xA0 -> Op.MOV_GbEb;
                    case 0xA1 -> Op.MOV_GvEv;
                    case 0xA2 -> Op.MOV_EbGb;
                    default -> Op.MOV_EvGv;
                });
                mem = true;
                reg = EAX;
                disp = a32 ? next32() : next16();
            }
            case 0xA4 -> set(Op.MOVSB);
            case 0xA5 -> set(Op.MOVSV);
            case 0xA6 -> set(Op.CMPSB);
            case 0xA7 -> set(Op.CMPSV);
            case 0xA8 -> { set(Op.TEST_EbIb); rm = 0; imm = next(); }
            case 0xA9 -> { set(Op.TEST_EvIv); rm = EAX; imm = nextIv(); }
            case 0xAA -> set(Op.STOSB);
            case 0xAB -> set(Op.STOSV);
            case 0xAC -> set(Op.LODSB);
            case 0xAD -> set(Op.LODSV);
            case 0xAE -> set(Op.SCASB);
            case 0xAF -> set(Op.SCASV);
            case 0xC0 -> { modrmRm8(); set(Op.SHIFT_EbIb); sub = reg; reg = 0; imm = next(); }
            case 0xC1 -> { modrm(); set(Op.SHIFT_EvIb); sub = reg; reg = 0; imm = next(); }
            case 0xC2 -> { set(Op.RET); imm = next16(); }
            case 0xC3 -> set(Op.RET);
            case 0xC4 -> { modrm(); set(Op.LxS); sub = ES; memOnly(); }
            case 0xC5 -> { modrm(); set(Op.LxS); sub = DS; memOnly(); }
            case 0xC6 -> { modrmRm8(); set(reg == 0 ? Op.MOV_EbIb : Op.UD); imm = next(); }
            case 0xC7 -> { modrm(); set(reg == 0 ? Op.MOV_EvIv : Op.UD); imm = nextIv(); }
            case 0xC8 -> { set(Op.ENTER); imm = next16(); imm2 = next(); }
            case 0xC9 -> set(Op.LEAVE);
            case 0xCA -> { set(Op.RETF); imm = next16(); }
            case 0xCB -> set(Op.RETF);
            case 0xCC -> set(Op.INT3);
            case 0xCD -> { set(Op.INT_Ib); imm = next(); }
            case 0xCE -> set(Op.INTO);
            case 0xCF -> set(Op.IRET);
            case 0xD0 -> { modrmRm8(); set(Op.SHIFT_EbIb); sub = reg; reg = 0; imm = 1; }
            case 0xD1 -> { modrm(); set(Op.SHIFT_EvIb); sub = reg; reg = 0; imm = 1; }
            case 0xD2 -> { modrmRm8(); set(Op.SHIFT_EbCL); sub = reg; reg = 0; }
            case 0xD3 -> { modrm(); set(Op.SHIFT_EvCL); sub = reg; reg = 0; }
            case 0xD4 -> { set(Op.AAM); imm = next(); }
            case 0xD5 -> { set(Op.AAD); imm = next(); }
            case 0xD6 -> set(Op.SALC);
            case 0xD7 -> set(Op.XLAT);
            case 0xE0 -> { set(Op.LOOPNE); imm = rel8(); }
            case 0xE1 -> { set(Op.LOOPE); imm = rel8(); }
            case 0xE2 -> { set(Op.LOOP); imm = rel8(); }
            case 0xE3 -> { set(Op.JCXZ); imm = rel8(); }
            case 0xE4 -> { set(Op.IN_B); imm = next(); }
            case 0xE5 -> { set(Op.IN_V); imm = next(); }
            case 0xE6 -> { set(Op.OUT_B); imm = next(); }
            case 0xE7 -> { set(Op.OUT_V); imm = next(); }
            case 0xE8 -> { set(Op.CALL_rel); imm = relV(); }
            case 0xE9 -> { set(Op.JMP_rel); imm = relV(); }
            case 0xEA -> { set(Op.JMPF_Ap); imm = nextIv(); imm2 = next16(); }
            case 0xEB -> { set(Op.JMP_rel); imm = rel8(); }
            case 0xEC -> { set(Op.IN_B); sub = 1; }
            case 0xED -> { set(Op.IN_V); sub = 1; }
            case 0xEE -> { set(Op.OUT_B); sub = 1; }
            case 0xEF -> { set(Op.OUT_V); sub = 1; }
            case 0xF1 -> set(Op.INT1);
            case 0xF4 -> set(Op.HLT);
            case 0xF5 -> set(Op.CMC);
            case 0xF6 -> group3(true);
            case 0xF7 -> group3(false);
            case 0xF8 -> set(Op.CLC);
            case 0xF9 -> set(Op.STC);
            case 0xFA -> set(Op.CLI);
            case 0xFB -> set(Op.STI);
            case 0xFC -> set(Op.CLD);
            case 0xFD -> set(Op.STD);
            case 0xFE -> { modrmRm8(); set(reg == 0 ? Op.INC_Eb : reg == 1 ? Op.DEC_Eb : Op.UD); }
            case 0xFF -> group5();
            default -> set(Op.UD);
        }
    }

    /** {@code imm2} of an x87 escape: whether the encoding is undefined, waits, stores; operand bytes from bit 8. */
    public static final int X87_UNDEFINED = 1, X87_WAITING = 2, X87_STORE = 4;

    private static int x87Attributes(int opcode, int modrm, boolean o32) {
        int a = 0;
        if (!org.quasivm.exec.fpu.X87.isDefined(opcode, modrm)) {
            a |= X87_UNDEFINED;
        } else if (org.quasivm.exec.fpu.X87.isWaiting(opcode, modrm)) {
            a |= X87_WAITING;
        }
        if ((modrm & 0xC0) != 0xC0) {
            int reg = (modrm >>> 3) & 7;
            if (x87Stores(opcode & 7, reg)) {
                a |= X87_STORE;
            }
            a |= x87OperandBytes(opcode & 7, reg, o32) << 8;
        }
        return a;
    }

    /** Size of the memory operand of an x87 instruction (escape 0-7, ModRM.reg). */
    static int x87OperandBytes(int escape, int reg, boolean o32) {
        int env = o32 ? 28 : 14;
        int state = o32 ? 108 : 94;
        return switch (escape) {
            case 0, 2 -> 4;
            case 1 -> reg == 4 || reg == 6 ? env : reg == 5 || reg == 7 ? 2 : 4;
            case 3 -> reg == 5 || reg == 7 ? 10 : 4;
            case 4 -> 8;
            case 5 -> reg == 4 || reg == 6 ? state : reg == 7 ? 2 : 8;
            case 6 -> 2;
            default -> reg == 4 || reg == 6 ? 10 : reg == 5 || reg == 7 ? 8 : 2;
        };
    }

    /** Whether the memory form escape/reg writes its operand (stores, FNSTENV, FNSAVE, FNSTCW, FNSTSW, FBSTP). */
    static boolean x87Stores(int escape, int reg) {
        return switch (escape) {
            case 1, 5, 7 -> reg == 2 || reg == 3 || reg == 6 || reg == 7;
            case 3 -> reg == 2 || reg == 3 || reg == 7;
            default -> false;
        };
    }

    private void alu(int b) {
        sub = (b >>> 3) & 7;
        switch (b & 7) {
            case 0 -> { modrm8(); set(Op.ALU_EbGb); }
            case 1 -> { modrm(); set(Op.ALU_EvGv); }
            case 2 -> { modrm8(); set(Op.ALU_GbEb); }
            case 3 -> { modrm(); set(Op.ALU_GvEv); }
            case 4 -> { set(Op.ALU_EbIb); rm = 0; imm = next(); }
            default -> { set(Op.ALU_EvIv); rm = EAX; imm = nextIv(); }
        }
    }

    private void group3(boolean byteSize) {
        if (byteSize) {
            modrmRm8();
        } else {
            modrm();
        }
        int r = reg;
        reg = 0;
        switch (r) {
            case 0, 1 -> {
                set(byteSize ? Op.TEST_EbIb : Op.TEST_EvIv);
                imm = byteSize ? next() : nextIv();
            }
            case 2 -> set(byteSize ? Op.NOT_Eb : Op.NOT_Ev);
            case 3 -> set(byteSize ? Op.NEG_Eb : Op.NEG_Ev);
            case 4 -> set(byteSize ? Op.MUL_Eb : Op.MUL_Ev);
            case 5 -> set(byteSize ? Op.IMUL_Eb : Op.IMUL_Ev);
            case 6 -> set(byteSize ? Op.DIV_Eb : Op.DIV_Ev);
            default -> set(byteSize ? Op.IDIV_Eb : Op.IDIV_Ev);
        }
    }

    private void group5() {
        modrm();
        int r = reg;
        reg = 0;
        switch (r) {
            case 0 -> set(Op.INC_Ev);
            case 1 -> set(Op.DEC_Ev);
            case 2 -> set(Op.CALL_Ev);
            case 3 -> { set(Op.CALLF_Ep); memOnly(); }
            case 4 -> set(Op.JMP_Ev);
            case 5 -> { set(Op.JMPF_Ep); memOnly(); }
            case 6 -> set(Op.PUSH_Ev);
            default -> set(Op.UD);
        }
    }

    private void twoByte(int b) {
        if (b >= 0x40 && b < 0x50) {
            modrm();
            set(Op.CMOV);
            sub = b & 15;
            return;
        }
        if (b >= 0x80 && b < 0x90) {
            set(Op.JCC);
            sub = b & 15;
            imm = relV();
            return;
        }
        if (b >= 0x90 && b < 0xA0) {
            modrmRm8();
            set(Op.SETCC);
            sub = b & 15;
            reg = 0;
            return;
        }
        if (b >= 0xC8) {
            set(Op.BSWAP);
            rm = b & 7;
            return;
        }
        if (b >= 0x18 && b < 0x20) {
            // Hint NOPs (NOP Ev): present on every P6-family processor.
            modrm();
            set(Op.NOP);
            reg = 0;
            return;
        }
        switch (b) {
            case 0x00 -> group6();
            case 0x01 -> group7();
            case 0x02 -> { modrm(); set(Op.LAR); }
            case 0x03 -> { modrm(); set(Op.LSL); }
            case 0x06 -> set(Op.CLTS);
            case 0x08 -> set(Op.INVD);
            case 0x09 -> set(Op.WBINVD);
            case 0x20 -> { modrmRegisterOnly(); set(Op.MOV_RdCd); }
            case 0x21 -> { modrmRegisterOnly(); set(Op.MOV_RdDd); }
            case 0x22 -> { modrmRegisterOnly(); set(Op.MOV_CdRd); }
            case 0x23 -> { modrmRegisterOnly(); set(Op.MOV_DdRd); }
            case 0x30 -> set(Op.WRMSR);
            case 0x31 -> set(Op.RDTSC);
            case 0x32 -> set(Op.RDMSR);
            case 0x33 -> set(Op.RDPMC);
            case 0x34 -> set(Op.SYSENTER);
            case 0x35 -> set(Op.SYSEXIT);
            case 0xA0 -> { set(Op.PUSH_Sw); sub = FS; }
            case 0xA1 -> { set(Op.POP_Sw); sub = FS; }
            case 0xA2 -> set(Op.CPUID);
            case 0xA3 -> { modrm(); set(Op.BT_EvGv); sub = 0; }
            case 0xA4 -> { modrm(); set(Op.SHLD_Ib); imm = next(); }
            case 0xA5 -> { modrm(); set(Op.SHLD_CL); }
            case 0xA8 -> { set(Op.PUSH_Sw); sub = GS; }
            case 0xA9 -> { set(Op.POP_Sw); sub = GS; }
            case 0xAB -> { modrm(); set(Op.BT_EvGv); sub = 1; }
            case 0xAC -> { modrm(); set(Op.SHRD_Ib); imm = next(); }
            case 0xAD -> { modrm(); set(Op.SHRD_CL); }
            case 0xAE -> {
                modrm();
                set(!mem ? Op.UD : reg == 0 ? Op.FXSAVE : reg == 1 ? Op.FXRSTOR : Op.UD);
                reg = 0;
            }
            case 0xAF -> { modrm(); set(Op.IMUL_GvEv); }
            case 0xB0 -> { modrm8(); set(Op.CMPXCHG_EbGb); }
            case 0xB1 -> { modrm(); set(Op.CMPXCHG_EvGv); }
            case 0xB2 -> { modrm(); set(Op.LxS); sub = SS; memOnly(); }
            case 0xB3 -> { modrm(); set(Op.BT_EvGv); sub = 2; }
            case 0xB4 -> { modrm(); set(Op.LxS); sub = FS; memOnly(); }
            case 0xB5 -> { modrm(); set(Op.LxS); sub = GS; memOnly(); }
            case 0xB6 -> { modrmRm8(); set(Op.MOVZX_GvEb); }
            case 0xB7 -> { modrm(); set(Op.MOVZX_GvEw); }
            case 0xBA -> {
                modrm();
                set(reg >= 4 ? Op.BT_EvIb : Op.UD);
                sub = reg & 3;
                reg = 0;
                imm = next();
            }
            case 0xBB -> { modrm(); set(Op.BT_EvGv); sub = 3; }
            case 0xBC -> { modrm(); set(Op.BSF); }
            case 0xBD -> { modrm(); set(Op.BSR); }
            case 0xBE -> { modrmRm8(); set(Op.MOVSX_GvEb); }
            case 0xBF -> { modrm(); set(Op.MOVSX_GvEw); }
            case 0xC0 -> { modrm8(); set(Op.XADD_EbGb); }
            case 0xC1 -> { modrm(); set(Op.XADD_EvGv); }
            case 0xC7 -> {
                modrm();
                set(mem && reg == 1 ? Op.CMPXCHG8B : Op.UD);
                reg = 0;
            }
            default -> set(Op.UD);
        }
    }

    private void group6() {
        modrm();
        int r = reg;
        reg = 0;
        set(switch (r) {
            case 0 -> Op.SLDT;
            case 1 -> Op.STR;
            case 2 -> Op.LLDT;
            case 3 -> Op.LTR;
            case 4 -> Op.VERR;
            case 5 -> Op.VERW;
            default -> Op.UD;
        });
    }

    private void group7() {
        modrm();
        int r = reg;
        reg = 0;
        set(switch (r) {
            case 0 -> Op.SGDT;
            case 1 -> Op.SIDT;
            case 2 -> Op.LGDT;
            case 3 -> Op.LIDT;
            case 4 -> Op.SMSW;
            case 6 -> Op.LMSW;
            case 7 -> Op.INVLPG;
            default -> Op.UD;
        });
        if (r != 4 && r != 6) {
            memOnly();
        }
    }

    private static final int[] ALU_RR32 = {Op.ADD_RR32, Op.OR_RR32, -1, -1, Op.AND_RR32, Op.SUB_RR32, Op.XOR_RR32,
        Op.CMP_RR32};
    private static final int[] ALU_RI32 = {Op.ADD_RI32, Op.OR_RI32, -1, -1, Op.AND_RI32, Op.SUB_RI32, Op.XOR_RI32,
        Op.CMP_RI32};

    /** Maps generic 32-bit forms onto the specialised ops the interpreter runs fastest. */
    private void specialize() {
        switch (op) {
            case Op.ALU_EvGv -> {
                if (!mem && ALU_RR32[sub] >= 0) {
                    op = ALU_RR32[sub];
                } else if (mem) {
                    op = Op.ALU_MR32;
                }
            }
            case Op.ALU_GvEv -> {
                if (!mem && ALU_RR32[sub] >= 0) {
                    op = ALU_RR32[sub];
                    int t = rm;
                    rm = reg;
                    reg = t;
                } else if (mem) {
                    op = sub == 7 ? Op.CMP_RM32 : Op.ALU_RM32;
                }
            }
            case Op.ALU_EvIv -> {
                if (!mem && ALU_RI32[sub] >= 0) {
                    op = ALU_RI32[sub];
                } else if (mem) {
                    op = Op.ALU_MI32;
                }
            }
            case Op.TEST_EvGv -> {
                if (!mem) {
                    op = Op.TEST_RR32;
                }
            }
            case Op.TEST_EvIv -> {
                if (!mem) {
                    op = Op.TEST_RI32;
                }
            }
            case Op.MOV_EvGv -> op = mem ? Op.MOV_MR32 : Op.MOV_RR32;
            case Op.MOV_GvEv -> {
                if (mem) {
                    op = Op.MOV_RM32;
                } else {
                    op = Op.MOV_RR32;
                    int t = rm;
                    rm = reg;
                    reg = t;
                }
            }
            case Op.MOV_EvIv -> {
                if (!mem) {
                    op = Op.MOV_RI32;
                }
            }
            case Op.INC_Ev -> {
                if (!mem) {
                    op = Op.INC_R32;
                }
            }
            case Op.DEC_Ev -> {
                if (!mem) {
                    op = Op.DEC_R32;
                }
            }
            case Op.PUSH_Ev -> {
                if (!mem) {
                    op = Op.PUSH_R32;
                }
            }
            case Op.POP_Ev -> {
                if (!mem) {
                    op = Op.POP_R32;
                }
            }
            case Op.LEA -> {
                if (a32) {
                    op = Op.LEA32;
                }
            }
            case Op.MOVZX_GvEb -> {
                if (mem) {
                    op = Op.MOVZX_R32_M8;
                }
            }
            case Op.IMUL_GvEv -> {
                if (!mem) {
                    op = Op.IMUL_RR32;
                }
            }
            case Op.MOVZX_GvEw -> op = Op.MOVZX_R32_W;
            case Op.SHIFT_EvIb -> {
                if (!mem && sub >= 4) {
                    op = sub == 5 ? Op.SHR_RI32 : sub == 7 ? Op.SAR_RI32 : Op.SHL_RI32;
                }
            }
            default -> {
            }
        }
    }

    /** LOCK is allowed only on these read-modify-write forms with a memory destination (#UD otherwise). */
    private boolean lockable() {
        if (!mem) {
            return false;
        }
        return switch (op) {
            case Op.ALU_EbGb, Op.ALU_EvGv, Op.ALU_EbIb, Op.ALU_EvIv -> sub != 7;
            case Op.INC_Eb, Op.DEC_Eb, Op.INC_Ev, Op.DEC_Ev, Op.NOT_Eb, Op.NOT_Ev, Op.NEG_Eb, Op.NEG_Ev,
                 Op.XCHG_EbGb, Op.XCHG_EvGv, Op.CMPXCHG_EbGb, Op.CMPXCHG_EvGv, Op.CMPXCHG8B, Op.XADD_EbGb,
                 Op.XADD_EvGv -> true;
            case Op.BT_EvGv, Op.BT_EvIb -> sub != 0;
            default -> false;
        };
    }
}
