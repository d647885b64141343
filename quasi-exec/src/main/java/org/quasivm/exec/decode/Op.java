package org.quasivm.exec.decode;

/**
 * Dense operation ids of decoded instructions. The interpreter dispatches on these with one {@code switch}, which the
 * JIT turns into a jump table; keep them consecutive. Suffixes follow the Intel opcode-map operand notation:
 * {@code Eb/Ev} ModRM r/m operand (byte / operand-size), {@code Gb/Gv} ModRM reg operand, {@code Ib/Iv} immediate,
 * {@code Sw} segment register. Operand size (16/32) and memory-vs-register form are fields of the decoded word, not
 * separate ids.
 */
public final class Op {
    private Op() {
    }

    public static final int UD = 0;
    public static final int NOP = 1;
    /** The eight classic ALU operations; {@code sub} = ADD OR ADC SBB AND SUB XOR CMP. */
    public static final int ALU_EbGb = 2;
    public static final int ALU_EvGv = 3;
    public static final int ALU_GbEb = 4;
    public static final int ALU_GvEv = 5;
    public static final int ALU_EbIb = 6;
    public static final int ALU_EvIv = 7;
    public static final int INC_Eb = 8;
    public static final int DEC_Eb = 9;
    public static final int INC_Ev = 10;
    public static final int DEC_Ev = 11;
    public static final int PUSH_Ev = 12;
    public static final int POP_Ev = 13;
    public static final int PUSH_Iv = 14;
    /** {@code sub} = segment register. */
    public static final int PUSH_Sw = 15;
    public static final int POP_Sw = 16;
    public static final int PUSHA = 17;
    public static final int POPA = 18;
    public static final int BOUND = 19;
    public static final int ARPL = 20;
    public static final int IMUL_GvEvIv = 21;
    public static final int IMUL_GvEv = 22;
    public static final int INSB = 23;
    public static final int INSV = 24;
    public static final int OUTSB = 25;
    public static final int OUTSV = 26;
    /** {@code sub} = condition (the low nibble of 7x / 0F 8x), {@code imm} = displacement. */
    public static final int JCC = 27;
    public static final int TEST_EbGb = 28;
    public static final int TEST_EvGv = 29;
    public static final int TEST_EbIb = 30;
    public static final int TEST_EvIv = 31;
    public static final int XCHG_EbGb = 32;
    public static final int XCHG_EvGv = 33;
    public static final int MOV_EbGb = 34;
    public static final int MOV_EvGv = 35;
    public static final int MOV_GbEb = 36;
    public static final int MOV_GvEv = 37;
    public static final int MOV_EwSw = 38;
    public static final int LEA = 39;
    public static final int MOV_SwEw = 40;
    public static final int MOV_EbIb = 41;
    public static final int MOV_EvIv = 42;
    public static final int CBW = 43;
    public static final int CWD = 44;
    /** {@code imm} = offset, {@code imm2} = selector. */
    public static final int CALLF_Ap = 45;
    public static final int JMPF_Ap = 46;
    public static final int WAIT = 47;
    public static final int PUSHF = 48;
    public static final int POPF = 49;
    public static final int SAHF = 50;
    public static final int LAHF = 51;
    public static final int MOVSB = 52;
    public static final int MOVSV = 53;
    public static final int CMPSB = 54;
    public static final int CMPSV = 55;
    public static final int STOSB = 56;
    public static final int STOSV = 57;
    public static final int LODSB = 58;
    public static final int LODSV = 59;
    public static final int SCASB = 60;
    public static final int SCASV = 61;
    /** {@code sub} = ROL ROR RCL RCR SHL SHR SAL SAR; count in {@code imm} (D0/D1 decode as count 1). */
    public static final int SHIFT_EbIb = 62;
    public static final int SHIFT_EvIb = 63;
    public static final int SHIFT_EbCL = 64;
    public static final int SHIFT_EvCL = 65;
    /** {@code imm} = bytes to release. */
    public static final int RET = 66;
    public static final int RETF = 67;
    /** LES LDS LSS LFS LGS; {@code sub} = segment register. */
    public static final int LxS = 68;
    /** {@code imm} = frame size, {@code imm2} = nesting level. */
    public static final int ENTER = 69;
    public static final int LEAVE = 70;
    public static final int INT3 = 71;
    public static final int INT_Ib = 72;
    public static final int INTO = 73;
    public static final int IRET = 74;
    public static final int AAM = 75;
    public static final int AAD = 76;
    public static final int SALC = 77;
    public static final int XLAT = 78;
    /** x87 escape D8..DF: {@code sub} = opcode & 7, {@code imm} = the ModRM byte. */
    public static final int ESC = 79;
    public static final int LOOPNE = 80;
    public static final int LOOPE = 81;
    public static final int LOOP = 82;
    public static final int JCXZ = 83;
    /** {@code sub} = 1 when the port is DX, else the port is {@code imm}. */
    public static final int IN_B = 84;
    public static final int IN_V = 85;
    public static final int OUT_B = 86;
    public static final int OUT_V = 87;
    public static final int CALL_rel = 88;
    public static final int JMP_rel = 89;
    public static final int INT1 = 90;
    public static final int HLT = 91;
    public static final int CMC = 92;
    public static final int CLC = 93;
    public static final int STC = 94;
    public static final int CLI = 95;
    public static final int STI = 96;
    public static final int CLD = 97;
    public static final int STD = 98;
    public static final int NOT_Eb = 99;
    public static final int NOT_Ev = 100;
    public static final int NEG_Eb = 101;
    public static final int NEG_Ev = 102;
    public static final int MUL_Eb = 103;
    public static final int MUL_Ev = 104;
    public static final int IMUL_Eb = 105;
    public static final int IMUL_Ev = 106;
    public static final int DIV_Eb = 107;
    public static final int DIV_Ev = 108;
    public static final int IDIV_Eb = 109;
    public static final int IDIV_Ev = 110;
    public static final int CALL_Ev = 111;
    public static final int CALLF_Ep = 112;
    public static final int JMP_Ev = 113;
    public static final int JMPF_Ep = 114;
    public static final int SLDT = 115;
    public static final int STR = 116;
    public static final int LLDT = 117;
    public static final int LTR = 118;
    public static final int VERR = 119;
    public static final int VERW = 120;
    public static final int SGDT = 121;
    public static final int SIDT = 122;
    public static final int LGDT = 123;
    public static final int LIDT = 124;
    public static final int SMSW = 125;
    public static final int LMSW = 126;
    public static final int INVLPG = 127;
    public static final int LAR = 128;
    public static final int LSL = 129;
    public static final int CLTS = 130;
    public static final int INVD = 131;
    public static final int WBINVD = 132;
    /** MOV r32, CRn / CRn, r32 / r32, DRn / DRn, r32: {@code reg} = n, {@code rm} = the general register. */
    public static final int MOV_RdCd = 133;
    public static final int MOV_CdRd = 134;
    public static final int MOV_RdDd = 135;
    public static final int MOV_DdRd = 136;
    public static final int WRMSR = 137;
    public static final int RDTSC = 138;
    public static final int RDMSR = 139;
    public static final int RDPMC = 140;
    public static final int SYSENTER = 141;
    public static final int SYSEXIT = 142;
    /** {@code sub} = condition. */
    public static final int CMOV = 143;
    public static final int SETCC = 144;
    public static final int CPUID = 145;
    /** {@code sub} = BT BTS BTR BTC. */
    public static final int BT_EvGv = 146;
    public static final int BT_EvIb = 147;
    public static final int SHLD_Ib = 148;
    public static final int SHLD_CL = 149;
    public static final int SHRD_Ib = 150;
    public static final int SHRD_CL = 151;
    public static final int FXSAVE = 152;
    public static final int FXRSTOR = 153;
    public static final int CMPXCHG_EbGb = 154;
    public static final int CMPXCHG_EvGv = 155;
    public static final int MOVZX_GvEb = 156;
    public static final int MOVZX_GvEw = 157;
    public static final int MOVSX_GvEb = 158;
    public static final int MOVSX_GvEw = 159;
    public static final int BSF = 160;
    public static final int BSR = 161;
    public static final int XADD_EbGb = 162;
    public static final int XADD_EvGv = 163;
    public static final int CMPXCHG8B = 164;
    public static final int BSWAP = 165;
    /** Instruction longer than 15 bytes: #GP(0) when executed. */
    public static final int TOO_LONG = 166;
    public static final int DAA = 167;
    public static final int DAS = 168;
    public static final int AAA = 169;
    public static final int AAS = 170;


    // Specialised forms of the hottest 32-bit operations (decoded from the generic forms above when the operand size
    // is 32 bits, there is no LOCK and the operands are registers or a plain memory operand). They exist only for
    // speed: each is a short case without operand-size or register-vs-memory branches. RR forms: dst = rm, src = reg.
    public static final int ADD_RR32 = 171;
    public static final int SUB_RR32 = 172;
    public static final int CMP_RR32 = 173;
    public static final int AND_RR32 = 174;
    public static final int OR_RR32 = 175;
    public static final int XOR_RR32 = 176;
    public static final int TEST_RR32 = 177;
    /** RI forms: dst = rm, imm. */
    public static final int ADD_RI32 = 178;
    public static final int SUB_RI32 = 179;
    public static final int CMP_RI32 = 180;
    public static final int AND_RI32 = 181;
    public static final int OR_RI32 = 182;
    public static final int XOR_RI32 = 183;
    public static final int TEST_RI32 = 184;
    public static final int MOV_RR32 = 185;
    public static final int MOV_RI32 = 186;
    /** Load: reg = [mem]. */
    public static final int MOV_RM32 = 187;
    /** Store: [mem] = reg. */
    public static final int MOV_MR32 = 188;
    public static final int INC_R32 = 189;
    public static final int DEC_R32 = 190;
    public static final int PUSH_R32 = 191;
    public static final int POP_R32 = 192;
    public static final int LEA32 = 193;
    /** ALU with a 32-bit memory destination (kind in sub): [mem] op= reg / imm. */
    public static final int ALU_MR32 = 194;
    public static final int ALU_MI32 = 195;
    /** ALU with a 32-bit memory source: reg op= [mem]. */
    public static final int ALU_RM32 = 196;
    public static final int CMP_RM32 = 197;
    public static final int MOVZX_R32_M8 = 198;
    /** Shifts of a 32-bit register by an immediate count. */
    public static final int SHL_RI32 = 199;
    public static final int SHR_RI32 = 200;
    public static final int SAR_RI32 = 201;
    /** IMUL r32, r/m32 (register source). */
    public static final int IMUL_RR32 = 202;
    /** MOVZX r32, r/m16 (register or memory source). */
    public static final int MOVZX_R32_W = 203;

    public static final int COUNT = 204;

    private static final boolean[] ENDS_BLOCK = new boolean[COUNT];

    static {
        int[] enders = {UD, TOO_LONG, POP_Sw, MOV_SwEw, INSB, INSV, OUTSB, OUTSV, JCC, CALLF_Ap, JMPF_Ap, POPF,
            RET, RETF, INT3, INT_Ib, INTO, IRET, LOOPNE, LOOPE, LOOP, JCXZ, IN_B, IN_V, OUT_B, OUT_V,
            CALL_rel, JMP_rel, INT1, HLT, CLI, STI, CALL_Ev, CALLF_Ep, JMP_Ev, JMPF_Ep, LLDT, LTR, LGDT, LIDT, LMSW,
            INVLPG, CLTS, MOV_CdRd, MOV_DdRd, WRMSR, SYSENTER, SYSEXIT};
        for (int op : enders) {
            ENDS_BLOCK[op] = true;
        }
    }

    /**
     * Whether a decoded block ends after this operation: control transfers, anything that can change the decoding
     * mode, IF/TF or the interrupt shadow (MOV/POP to a segment register), and port I/O (a device may raise an
     * interrupt that should be taken at the next boundary).
     */
    public static boolean endsBlock(int op) {
        return ENDS_BLOCK[op];
    }
}
