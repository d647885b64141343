package org.quasivm.exec.cpu;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.quasivm.exec.Platform;
import org.quasivm.exec.decode.CodePage;
import org.quasivm.exec.decode.DecodedBlock;
import org.quasivm.exec.decode.Decoder;
import org.quasivm.exec.decode.Insn;
import org.quasivm.exec.decode.Op;
import org.quasivm.exec.mmu.Tlb;

/**
 * The instruction interpreter: finds (or decodes) the block at CS:EIP in the per-physical-page code cache and runs its
 * instructions through one dense {@code switch}. Hot cases are inline; the rest call small methods, which keeps the
 * dispatch method well under HotSpot's huge-method limit so that it is JIT-compiled.
 */
class Interpreter extends CpuInstructions {
    private static final int STRIDE = Insn.STRIDE;

    final Decoder decoder = new Decoder();
    private final int[] scratch = new int[DecodedBlock.MAX_INSNS * STRIDE];
    private final PageSource pageSource = new PageSource();
    private final LinearSource linearSource = new LinearSource();

    Interpreter(Platform platform, CpuFeatures features) {
        super(platform, features);
    }

    // ---- code fetch ----

    /** Reads code bytes of the current page straight from host memory. */
    private static final class PageSource implements Decoder.CodeSource {
        ByteBuffer buffer;
        int base;

        @Override
        public int byteAt(int position) {
            return position < 4096 ? buffer.get(base + position) & 0xFF : -1;
        }
    }

    /** Fetches code byte by byte through segmentation and paging (page-crossing, MMIO or limit-straddling code). */
    private final class LinearSource implements Decoder.CodeSource {
        @Override
        public int byteAt(int position) {
            if ((position & 0xFFFFFFFFL) > (segLimit[CS] & 0xFFFFFFFFL)) {
                throw fault(CpuFault.GP, 0);
            }
            return (int) readSlow(segBase[CS] + position, 1, userAccess) & 0xFF;
        }
    }

    /**
     * The block to run at CS:EIP, or null when the instruction there must be decoded uncached (it crosses a page,
     * sits in MMIO, or the block would run past the CS limit).
     */
    private DecodedBlock lookupBlock() {
        int off = eip;
        if ((off & 0xFFFFFFFFL) > (segLimit[CS] & 0xFFFFFFFFL)) {
            throw fault(CpuFault.GP, 0);
        }
        int la = segBase[CS] + off;
        int i = (la >>> 12) & Tlb.MASK;
        if (fetchTag[i] != (la & PAGE_MASK)) {
            translate(la, false, userAccess);
            if (fetchTag[i] != (la & PAGE_MASK)) {
                return null;
            }
        }
        CodePage page = tlb.code[i];
        if (page == null) {
            page = codeCache.page(tlb.physical[i] >>> 12);
            tlb.code[i] = page;
        }
        DecodedBlock b = page.find(la & 0xFFF, code32);
        if (b == null) {
            b = decodeBlock(page, i, la & 0xFFF);
            if (b == null) {
                return null;
            }
        }
        if ((off & 0xFFFFFFFFL) + b.byteLength - 1 > (segLimit[CS] & 0xFFFFFFFFL)) {
            return null;
        }
        return b;
    }

    private DecodedBlock decodeBlock(CodePage page, int tlbIndex, int pageOffset) {
        pageSource.buffer = tlb.buffer[tlbIndex];
        pageSource.base = tlb.offset[tlbIndex];
        int n = 0;
        int pos = pageOffset;
        while (n < DecodedBlock.MAX_INSNS) {
            int len = decoder.decode(pageSource, pos, code32, scratch, n * STRIDE);
            if (len == Decoder.INCOMPLETE) {
                break;
            }
            int op = scratch[n * STRIDE] & 0x3FF;
            n++;
            pos += len;
            if (Op.endsBlock(op) || pos >= 4096) {
                break;
            }
        }
        if (n == 0) {
            return null;
        }
        DecodedBlock b = new DecodedBlock(pageOffset, code32, Arrays.copyOf(scratch, n * STRIDE), n, pos - pageOffset);
        codeCache.add(page, b);
        return b;
    }

    /** The block that ran last to completion, whose links may lead to the next one; null after anything unusual. */
    private DecodedBlock lastBlock;

    /** Forgets the previous block, so the next lookup goes through the TLB (after events, faults, interrupts). */
    final void breakChain() {
        lastBlock = null;
    }

    /*
     * A direct-mapped cache EIP → block for the current fetch epoch (indirect jumps, returns, and branches the two
     * links of a block do not cover), checked before the TLB and code-page lookup.
     */
    private static final int JUMP_CACHE_SIZE = 4096;
    private final DecodedBlock[] jumpCache = new DecodedBlock[JUMP_CACHE_SIZE];
    private final int[] jumpCacheEip = new int[JUMP_CACHE_SIZE];
    private final int[] jumpCacheEpoch = new int[JUMP_CACHE_SIZE];

    /** The next block: through a link of the previous block, or the jump cache, when valid; else by lookup. */
    private DecodedBlock nextBlock() {
        DecodedBlock prev = lastBlock;
        int epoch = fetchEpoch;
        if (prev != null) {
            DecodedBlock t = prev.link0;
            if (t != null && prev.link0Eip == eip && prev.link0Epoch == epoch && t.valid) {
                return t;
            }
            t = prev.link1;
            if (t != null && prev.link1Eip == eip && prev.link1Epoch == epoch && t.valid) {
                return t;
            }
        }
        int j = (eip ^ (eip >>> 12)) & (JUMP_CACHE_SIZE - 1);
        DecodedBlock b = jumpCache[j];
        if (b == null || jumpCacheEip[j] != eip || jumpCacheEpoch[j] != epoch || !b.valid) {
            b = lookupBlock();
            if (b == null) {
                return null;
            }
            jumpCache[j] = b;
            jumpCacheEip[j] = eip;
            jumpCacheEpoch[j] = epoch;
        }
        if (prev != null) {
            // Within one fetch epoch an EIP always leads to the same block: remember the way (the older link makes
            // room for it).
            prev.link1 = prev.link0;
            prev.link1Eip = prev.link0Eip;
            prev.link1Epoch = prev.link0Epoch;
            prev.link0 = b;
            prev.link0Eip = eip;
            prev.link0Epoch = fetchEpoch;
        }
        return b;
    }

    /**
     * Runs at most {@code max} instructions from CS:EIP (fewer if the block ends). A fault propagates as
     * {@link CpuFault} with {@link #instrStart} naming the faulting instruction.
     */
    final void runBlock(int max) {
        instrStart = eip;
        DecodedBlock b = nextBlock();
        stopBlock = false;
        if (b == null) {
            lastBlock = null;
            decoder.decode(linearSource, eip, code32, scratch, 0);
            execute(scratch, 0);
            retired++;
            return;
        }
        lastBlock = null;
        int[] code = b.code;
        int n = Math.min(b.count, max);
        for (int k = 0, p = 0; k < n; k++, p += STRIDE) {
            instrStart = eip;
            execute(code, p);
            retired++;
            if (stopBlock) {
                return;
            }
        }
        lastBlock = b;
    }

    // ---- the dispatch ----

    final void execute(int[] c, int p) {
        int w0 = c[p];
        int w1 = c[p + 1];
        int disp = c[p + 2];
        int imm = c[p + 3];
        eip += (w0 >>> Insn.LEN_SHIFT) & 0xF;
        boolean o32 = (w0 & Insn.O32) != 0;
        switch (w0 & 0x3FF) {
            // ---- specialised 32-bit forms (see Op): the hottest instructions of 32-bit code ----
            case Op.MOV_RR32 -> regs[rmOf(w1)] = regs[regOf(w0)];
            case Op.MOV_RI32 -> regs[rmOf(w1)] = imm & 0xFFFFFFFFL;
            case Op.MOV_RM32 -> regs[regOf(w0)] = rd32(segOf(w0), ea(w0, w1, disp)) & 0xFFFFFFFFL;
            case Op.MOV_MR32 -> wr32(segOf(w0), ea(w0, w1, disp), (int) regs[regOf(w0)]);
            case Op.ADD_RR32 -> {
                int d = rmOf(w1);
                int a = (int) regs[d];
                int b = (int) regs[regOf(w0)];
                int r = a + b;
                flagsAdd(a, b, r, 0);
                regs[d] = r & 0xFFFFFFFFL;
            }
            case Op.SUB_RR32 -> {
                int d = rmOf(w1);
                int a = (int) regs[d];
                int b = (int) regs[regOf(w0)];
                int r = a - b;
                flagsSub(a, b, r, 0);
                regs[d] = r & 0xFFFFFFFFL;
            }
            case Op.CMP_RR32 -> {
                int a = (int) regs[rmOf(w1)];
                int b = (int) regs[regOf(w0)];
                flagsSub(a, b, a - b, 0);
            }
            case Op.AND_RR32 -> logic32(rmOf(w1), (int) regs[rmOf(w1)] & (int) regs[regOf(w0)]);
            case Op.OR_RR32 -> logic32(rmOf(w1), (int) regs[rmOf(w1)] | (int) regs[regOf(w0)]);
            case Op.XOR_RR32 -> logic32(rmOf(w1), (int) regs[rmOf(w1)] ^ (int) regs[regOf(w0)]);
            case Op.TEST_RR32 -> {
                flagRes = (int) regs[rmOf(w1)] & (int) regs[regOf(w0)];
                flagAux = 0;
            }
            case Op.ADD_RI32 -> {
                int d = rmOf(w1);
                int a = (int) regs[d];
                int r = a + imm;
                flagsAdd(a, imm, r, 0);
                regs[d] = r & 0xFFFFFFFFL;
            }
            case Op.SUB_RI32 -> {
                int d = rmOf(w1);
                int a = (int) regs[d];
                int r = a - imm;
                flagsSub(a, imm, r, 0);
                regs[d] = r & 0xFFFFFFFFL;
            }
            case Op.CMP_RI32 -> {
                int a = (int) regs[rmOf(w1)];
                flagsSub(a, imm, a - imm, 0);
            }
            case Op.AND_RI32 -> logic32(rmOf(w1), (int) regs[rmOf(w1)] & imm);
            case Op.OR_RI32 -> logic32(rmOf(w1), (int) regs[rmOf(w1)] | imm);
            case Op.XOR_RI32 -> logic32(rmOf(w1), (int) regs[rmOf(w1)] ^ imm);
            case Op.TEST_RI32 -> {
                flagRes = (int) regs[rmOf(w1)] & imm;
                flagAux = 0;
            }
            case Op.INC_R32 -> {
                int d = rmOf(w1);
                int r = (int) regs[d] + 1;
                flagsIncDec(r, 0, true);
                regs[d] = r & 0xFFFFFFFFL;
            }
            case Op.DEC_R32 -> {
                int d = rmOf(w1);
                int r = (int) regs[d] - 1;
                flagsIncDec(r, 0, false);
                regs[d] = r & 0xFFFFFFFFL;
            }
            case Op.PUSH_R32 -> {
                int v = (int) regs[rmOf(w1)];
                int sp = (int) regs[ESP] - 4;
                wr32(SS, stack32 ? sp : sp & 0xFFFF, v);
                commitStackPointer(sp);
            }
            case Op.POP_R32 -> {
                int sp = (int) regs[ESP];
                int v = rd32(SS, stack32 ? sp : sp & 0xFFFF);
                commitStackPointer(sp + 4);
                regs[rmOf(w1)] = v & 0xFFFFFFFFL;
            }
            case Op.LEA32 -> regs[regOf(w0)] = ((int) regs[w1 & 0x1F] + ((int) regs[(w1 >>> 5) & 0x1F]
                    << ((w1 >>> 10) & 3)) + disp) & 0xFFFFFFFFL;
            case Op.ALU_MR32 -> aluMem32(w0, w1, disp, (int) regs[regOf(w0)]);
            case Op.ALU_MI32 -> aluMem32(w0, w1, disp, imm);
            case Op.ALU_RM32 -> {
                int g = regOf(w0);
                regs[g] = alu(subOf(w0), (int) regs[g], rd32(segOf(w0), ea(w0, w1, disp)), 0) & 0xFFFFFFFFL;
            }
            case Op.CMP_RM32 -> {
                int a = (int) regs[regOf(w0)];
                int b = rd32(segOf(w0), ea(w0, w1, disp));
                flagsSub(a, b, a - b, 0);
            }
            case Op.MOVZX_R32_M8 -> regs[regOf(w0)] = rd8(segOf(w0), ea(w0, w1, disp));
            case Op.SHL_RI32 -> {
                int n = imm & 31;
                if (n != 0) {
                    int d = rmOf(w1);
                    int v = (int) regs[d];
                    int r = v << n;
                    boolean cf = ((v >>> (32 - n)) & 1) != 0;
                    flagsResult(r, 0, cf, (r < 0) != cf, false);
                    regs[d] = r & 0xFFFFFFFFL;
                }
            }
            case Op.SHR_RI32 -> {
                int n = imm & 31;
                if (n != 0) {
                    int d = rmOf(w1);
                    int v = (int) regs[d];
                    int r = v >>> n;
                    flagsResult(r, 0, ((v >>> (n - 1)) & 1) != 0, ((r << 1) ^ r) < 0, false);
                    regs[d] = r & 0xFFFFFFFFL;
                }
            }
            case Op.SAR_RI32 -> {
                int n = imm & 31;
                if (n != 0) {
                    int d = rmOf(w1);
                    int v = (int) regs[d];
                    int r = v >> n;
                    flagsResult(r, 0, ((v >> (n - 1)) & 1) != 0, false, false);
                    regs[d] = r & 0xFFFFFFFFL;
                }
            }
            case Op.IMUL_RR32 -> {
                int g = regOf(w0);
                long r = (long) (int) regs[g] * (int) regs[rmOf(w1)];
                boolean overflow = r != (int) r;
                flagsResult((int) r, 0, overflow, overflow, false);
                regs[g] = r & 0xFFFFFFFFL;
            }
            case Op.MOVZX_R32_W -> regs[regOf(w0)] = isMem(w0) ? rd16(segOf(w0), ea(w0, w1, disp))
                    : regs[rmOf(w1)] & 0xFFFF;
            // ---- generic forms ----
            case Op.NOP -> { }
            case Op.ALU_EbGb -> aluEb(w0, w1, disp, r8(regOf(w0)));
            case Op.ALU_EvGv -> aluEv(w0, w1, disp, rv(regOf(w0), o32), o32);
            case Op.ALU_GbEb -> {
                int k = subOf(w0);
                int r = alu(k, r8(regOf(w0)), readEb(w0, w1, disp), 24);
                if (k != CMP) {
                    w8(regOf(w0), r);
                }
            }
            case Op.ALU_GvEv -> {
                int k = subOf(w0);
                int g = regOf(w0);
                int r = alu(k, rv(g, o32), readEv(w0, w1, disp, o32), o32 ? 0 : 16);
                if (k != CMP) {
                    wv(g, r, o32);
                }
            }
            case Op.ALU_EbIb -> aluEb(w0, w1, disp, imm & 0xFF);
            case Op.ALU_EvIv -> aluEv(w0, w1, disp, o32 ? imm : imm & 0xFFFF, o32);
            case Op.INC_Eb, Op.DEC_Eb -> incDecEb(w0, w1, disp, (w0 & 0x3FF) == Op.INC_Eb);
            case Op.INC_Ev, Op.DEC_Ev -> incDecEv(w0, w1, disp, (w0 & 0x3FF) == Op.INC_Ev, o32);
            case Op.PUSH_Ev -> push(readEv(w0, w1, disp, o32), o32);
            case Op.POP_Ev -> popEv(w0, w1, disp, o32);
            case Op.PUSH_Iv -> push(imm, o32);
            case Op.PUSH_Sw -> push(segSel[subOf(w0)], o32);
            case Op.POP_Sw -> popSegment(subOf(w0), o32);
            case Op.PUSHA -> pusha(o32);
            case Op.POPA -> popa(o32);
            case Op.BOUND -> bound(w0, w1, disp, o32);
            case Op.ARPL -> arpl(w0, w1, disp);
            case Op.IMUL_GvEvIv -> wv(regOf(w0), imulTruncated(readEv(w0, w1, disp, o32), imm, o32), o32);
            case Op.IMUL_GvEv -> wv(regOf(w0), imulTruncated(rv(regOf(w0), o32), readEv(w0, w1, disp, o32), o32), o32);
            case Op.INSB -> ins(w0, 1);
            case Op.INSV -> ins(w0, o32 ? 4 : 2);
            case Op.OUTSB -> outs(w0, 1);
            case Op.OUTSV -> outs(w0, o32 ? 4 : 2);
            case Op.JCC -> {
                if (condition(subOf(w0))) {
                    jumpTo(eip + imm, o32);
                }
            }
            case Op.TEST_EbGb -> flagsLogic(readEb(w0, w1, disp) & r8(regOf(w0)), 24);
            case Op.TEST_EvGv -> flagsLogic(readEv(w0, w1, disp, o32) & rv(regOf(w0), o32), o32 ? 0 : 16);
            case Op.TEST_EbIb -> flagsLogic(readEb(w0, w1, disp) & imm, 24);
            case Op.TEST_EvIv -> flagsLogic(readEv(w0, w1, disp, o32) & imm, o32 ? 0 : 16);
            case Op.XCHG_EbGb -> xchgEb(w0, w1, disp);
            case Op.XCHG_EvGv -> xchgEv(w0, w1, disp, o32);
            case Op.MOV_EbGb -> writeEb(w0, w1, disp, r8(regOf(w0)));
            case Op.MOV_EvGv -> writeEv(w0, w1, disp, rv(regOf(w0), o32), o32);
            case Op.MOV_GbEb -> w8(regOf(w0), readEb(w0, w1, disp));
            case Op.MOV_GvEv -> wv(regOf(w0), readEv(w0, w1, disp, o32), o32);
            case Op.MOV_EwSw -> movFromSegment(w0, w1, disp, o32);
            case Op.LEA -> wv(regOf(w0), ea(w0, w1, disp), o32);
            case Op.MOV_SwEw -> movToSegment(regOf(w0), readEw(w0, w1, disp));
            case Op.MOV_EbIb -> writeEb(w0, w1, disp, imm);
            case Op.MOV_EvIv -> writeEv(w0, w1, disp, imm, o32);
            case Op.CBW -> {
                if (o32) {
                    w32(EAX, (short) r32(EAX));
                } else {
                    w16(EAX, (byte) r32(EAX));
                }
            }
            case Op.CWD -> {
                if (o32) {
                    w32(EDX, r32(EAX) >> 31);
                } else {
                    w16(EDX, (short) r32(EAX) >> 15);
                }
            }
            case Op.CALLF_Ap -> farCall(c[p + 4], imm, o32);
            case Op.JMPF_Ap -> farJump(c[p + 4], imm, o32);
            case Op.WAIT -> fwait();
            case Op.PUSHF -> pushf(o32);
            case Op.POPF -> popf(o32);
            case Op.SAHF -> setArithmeticFlags((arithmeticFlags() & ~0xD5) | ((r32(EAX) >>> 8) & 0xD5));
            case Op.LAHF -> w8(EAX | 8, getEflags());
            case Op.MOVSB -> movs(w0, 1);
            case Op.MOVSV -> movs(w0, o32 ? 4 : 2);
            case Op.CMPSB -> cmps(w0, 1);
            case Op.CMPSV -> cmps(w0, o32 ? 4 : 2);
            case Op.STOSB -> stos(w0, 1);
            case Op.STOSV -> stos(w0, o32 ? 4 : 2);
            case Op.LODSB -> lods(w0, 1);
            case Op.LODSV -> lods(w0, o32 ? 4 : 2);
            case Op.SCASB -> scas(w0, 1);
            case Op.SCASV -> scas(w0, o32 ? 4 : 2);
            case Op.SHIFT_EbIb -> shiftEb(w0, w1, disp, imm);
            case Op.SHIFT_EvIb -> shiftEv(w0, w1, disp, imm, o32);
            case Op.SHIFT_EbCL -> shiftEb(w0, w1, disp, r8(ECX));
            case Op.SHIFT_EvCL -> shiftEv(w0, w1, disp, r8(ECX), o32);
            case Op.RET -> nearReturn(imm, o32);
            case Op.RETF -> farReturn(o32, imm);
            case Op.LxS -> loadFarPointer(w0, w1, disp, o32);
            case Op.ENTER -> enter(imm & 0xFFFF, c[p + 4] & 31, o32);
            case Op.LEAVE -> leave(o32);
            case Op.INT3 -> softwareInterrupt(3, INT_SOFTWARE);
            case Op.INT_Ib -> softwareInterrupt(imm & 0xFF, INT_SOFTWARE);
            case Op.INTO -> {
                if (of()) {
                    softwareInterrupt(4, INT_SOFTWARE);
                }
            }
            case Op.IRET -> {
                interruptReturn(o32);
                nmiBlocked = false;
            }
            case Op.AAM -> aam(imm & 0xFF);
            case Op.AAD -> aad(imm & 0xFF);
            case Op.SALC -> w8(EAX, cf() ? 0xFF : 0);
            case Op.XLAT -> {
                int a = r32(EBX) + r8(EAX);
                w8(EAX, rd8(segOf(w0), (w0 & Insn.A32) != 0 ? a : a & 0xFFFF));
            }
            case Op.ESC -> escape(w0, w1, disp, imm, c[p + 4]);
            case Op.LOOPNE, Op.LOOPE, Op.LOOP -> loop(w0, imm, o32);
            case Op.JCXZ -> {
                int cx = (w0 & Insn.A32) != 0 ? r32(ECX) : r16(ECX);
                if (cx == 0) {
                    jumpTo(eip + imm, o32);
                }
            }
            case Op.IN_B -> portIn(w0, imm, 1);
            case Op.IN_V -> portIn(w0, imm, o32 ? 4 : 2);
            case Op.OUT_B -> portOut(w0, imm, 1);
            case Op.OUT_V -> portOut(w0, imm, o32 ? 4 : 2);
            case Op.CALL_rel -> nearCall(eip + imm, o32);
            case Op.JMP_rel -> jumpTo(eip + imm, o32);
            case Op.INT1 -> softwareInterrupt(1, INT_ICEBP);
            case Op.HLT -> {
                requireCpl0();
                halted = true;
                stopBlock = true;
                checkEvents = true;
            }
            case Op.CMC -> setCF(!cf());
            case Op.CLC -> setCF(false);
            case Op.STC -> setCF(true);
            case Op.CLI -> {
                checkInterruptFlagPrivilege();
                eflags &= ~IF;
            }
            case Op.STI -> {
                checkInterruptFlagPrivilege();
                if ((eflags & IF) == 0) {
                    shadowNext = true;
                    checkEvents = true;
                }
                eflags |= IF;
            }
            case Op.CLD -> eflags &= ~DF;
            case Op.STD -> eflags |= DF;
            case Op.NOT_Eb -> notEb(w0, w1, disp);
            case Op.NOT_Ev -> notEv(w0, w1, disp, o32);
            case Op.NEG_Eb -> negEb(w0, w1, disp);
            case Op.NEG_Ev -> negEv(w0, w1, disp, o32);
            case Op.MUL_Eb -> mul8(readEb(w0, w1, disp));
            case Op.MUL_Ev -> {
                if (o32) {
                    mul32(readEv(w0, w1, disp, true));
                } else {
                    mul16(readEv(w0, w1, disp, false));
                }
            }
            case Op.IMUL_Eb -> imul8(readEb(w0, w1, disp));
            case Op.IMUL_Ev -> {
                if (o32) {
                    imul32(readEv(w0, w1, disp, true));
                } else {
                    imul16(readEv(w0, w1, disp, false));
                }
            }
            case Op.DIV_Eb -> div8(readEb(w0, w1, disp));
            case Op.DIV_Ev -> {
                if (o32) {
                    div32(readEv(w0, w1, disp, true));
                } else {
                    div16(readEv(w0, w1, disp, false));
                }
            }
            case Op.IDIV_Eb -> idiv8(readEb(w0, w1, disp));
            case Op.IDIV_Ev -> {
                if (o32) {
                    idiv32(readEv(w0, w1, disp, true));
                } else {
                    idiv16(readEv(w0, w1, disp, false));
                }
            }
            case Op.CALL_Ev -> nearCall(readEv(w0, w1, disp, o32), o32);
            case Op.CALLF_Ep, Op.JMPF_Ep -> farIndirect(w0, w1, disp, o32);
            case Op.JMP_Ev -> jumpTo(readEv(w0, w1, disp, o32), o32);
            case Op.BSWAP -> w32(rmOf(w1), Integer.reverseBytes(r32(rmOf(w1))));
            case Op.MOVZX_GvEb -> wv(regOf(w0), readEb(w0, w1, disp), o32);
            case Op.MOVZX_GvEw -> wv(regOf(w0), readEw(w0, w1, disp), o32);
            case Op.MOVSX_GvEb -> wv(regOf(w0), (byte) readEb(w0, w1, disp), o32);
            case Op.MOVSX_GvEw -> wv(regOf(w0), (short) readEw(w0, w1, disp), o32);
            case Op.CMOV -> {
                int v = readEv(w0, w1, disp, o32);
                if (condition(subOf(w0))) {
                    wv(regOf(w0), v, o32);
                }
            }
            case Op.SETCC -> writeEb(w0, w1, disp, condition(subOf(w0)) ? 1 : 0);
            case Op.DAA -> daa();
            case Op.DAS -> das();
            case Op.AAA -> aaa();
            case Op.AAS -> aas();
            default -> executeSystem(w0, w1, disp, imm, c[p + 4], o32);
        }
    }

    /** Less frequent instructions, kept out of the main dispatch to keep it small. */
    private void executeSystem(int w0, int w1, int disp, int imm, int imm2, boolean o32) {
        switch (w0 & 0x3FF) {
            case Op.UD -> throw fault(CpuFault.UD);
            case Op.TOO_LONG -> throw fault(CpuFault.GP, 0);
            case Op.SLDT -> storeSystemSelector(w0, w1, disp, ldtrSel, o32);
            case Op.STR -> storeSystemSelector(w0, w1, disp, trSel, o32);
            case Op.LLDT -> {
                requireProtectedMode();
                requireCpl0();
                loadLdt(readEw(w0, w1, disp));
            }
            case Op.LTR -> {
                requireProtectedMode();
                requireCpl0();
                loadTaskRegister(readEw(w0, w1, disp));
            }
            case Op.VERR, Op.VERW -> {
                requireProtectedMode();
                verify(readEw(w0, w1, disp), (w0 & 0x3FF) == Op.VERW);
            }
            case Op.SGDT -> storeTable(w0, w1, disp, gdtrBase, gdtrLimit, o32);
            case Op.SIDT -> storeTable(w0, w1, disp, idtrBase, idtrLimit, o32);
            case Op.LGDT, Op.LIDT -> loadTable(w0, w1, disp, o32, (w0 & 0x3FF) == Op.LGDT);
            case Op.SMSW -> {
                if (isMem(w0)) {
                    wr16(segOf(w0), ea(w0, w1, disp), cr0);
                } else {
                    wv(rmOf(w1), cr0, o32);
                }
            }
            case Op.LMSW -> {
                requireCpl0();
                int v = readEw(w0, w1, disp);
                writeCr0((cr0 & ~0xE) | (v & 0xF) | (cr0 & CR0_PE));
            }
            case Op.INVLPG -> {
                requireCpl0();
                flushTlbPage(segBase[segOf(w0)] + ea(w0, w1, disp));
            }
            case Op.LAR, Op.LSL -> {
                requireProtectedMode();
                loadAccessRightsOrLimit(w0, w1, disp, o32, (w0 & 0x3FF) == Op.LSL);
            }
            case Op.CLTS -> {
                requireCpl0();
                cr0 &= ~CR0_TS;
            }
            case Op.INVD, Op.WBINVD -> requireCpl0();
            case Op.MOV_RdCd -> w32(rmOf(w1), readControlRegister(regOf(w0)));
            case Op.MOV_CdRd -> writeControlRegister(regOf(w0), r32(rmOf(w1)));
            case Op.MOV_RdDd -> w32(rmOf(w1), readDebugRegister(regOf(w0)));
            case Op.MOV_DdRd -> writeDebugRegister(regOf(w0), r32(rmOf(w1)));
            case Op.WRMSR -> {
                requireCpl0();
                writeMsr(r32(ECX), ((long) r32(EDX) << 32) | (regs[EAX] & 0xFFFFFFFFL));
            }
            case Op.RDMSR -> {
                requireCpl0();
                long v = readMsr(r32(ECX));
                w32(EAX, (int) v);
                w32(EDX, (int) (v >>> 32));
            }
            case Op.RDTSC -> {
                if ((cr4 & CR4_TSD) != 0 && (cpl != 0 || v86)) {
                    throw fault(CpuFault.GP, 0);
                }
                long t = timeStampCounter();
                w32(EAX, (int) t);
                w32(EDX, (int) (t >>> 32));
            }
            case Op.RDPMC -> {
                // P6: counters 0 and 1 (40 bits in EDX:EAX); outside ring 0 only with CR4.PCE. Linux's perf NMI
                // watchdog reads them, so #GP here crashed guests at power-off.
                if ((cr4 & CR4_PCE) == 0 && (cpl != 0 || v86)) {
                    throw fault(CpuFault.GP, 0);
                }
                int counter = r32(ECX);
                if (counter != 0 && counter != 1) {
                    throw fault(CpuFault.GP, 0);
                }
                long v = perfCounters[counter];
                w32(EAX, (int) v);
                w32(EDX, (int) (v >>> 32));
            }
            case Op.SYSENTER -> sysenter();
            case Op.SYSEXIT -> sysexit();
            case Op.CPUID -> cpuid();
            case Op.BT_EvGv -> bitTest(w0, w1, disp, rv(regOf(w0), o32), true, o32);
            case Op.BT_EvIb -> bitTest(w0, w1, disp, imm & 0xFF, false, o32);
            case Op.SHLD_Ib -> doubleShiftEv(w0, w1, disp, true, imm, o32);
            case Op.SHLD_CL -> doubleShiftEv(w0, w1, disp, true, r8(ECX), o32);
            case Op.SHRD_Ib -> doubleShiftEv(w0, w1, disp, false, imm, o32);
            case Op.SHRD_CL -> doubleShiftEv(w0, w1, disp, false, r8(ECX), o32);
            case Op.FXSAVE, Op.FXRSTOR -> fxsaveRestore(w0, w1, disp, (w0 & 0x3FF) == Op.FXSAVE);
            case Op.CMPXCHG_EbGb -> cmpxchgEb(w0, w1, disp);
            case Op.CMPXCHG_EvGv -> cmpxchgEv(w0, w1, disp, o32);
            case Op.BSF, Op.BSR -> bitScan(w0, w1, disp, o32, (w0 & 0x3FF) == Op.BSR);
            case Op.XADD_EbGb -> xaddEb(w0, w1, disp);
            case Op.XADD_EvGv -> xaddEv(w0, w1, disp, o32);
            case Op.CMPXCHG8B -> cmpxchg8b(w0, w1, disp);
            default -> throw new IllegalStateException("unhandled op " + (w0 & 0x3FF));
        }
    }

}
