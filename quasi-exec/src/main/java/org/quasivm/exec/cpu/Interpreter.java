package org.quasivm.exec.cpu;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.quasivm.exec.Platform;
import org.quasivm.exec.decode.CodePage;
import org.quasivm.exec.decode.DecodedBlock;
import org.quasivm.exec.decode.Decoder;
import org.quasivm.exec.decode.Insn;
import org.quasivm.exec.decode.Op;
import org.quasivm.exec.fpu.X87;
import org.quasivm.exec.mmu.Tlb;
import org.quasivm.exec.state.SegmentState;

/**
 * The instruction interpreter: finds (or decodes) the block at CS:EIP in the per-physical-page code cache and runs its
 * instructions through one dense {@code switch}. Hot cases are inline; the rest call small methods, which keeps the
 * dispatch method well under HotSpot's huge-method limit so that it is JIT-compiled.
 */
class Interpreter extends CpuStrings {
    private static final int STRIDE = Insn.STRIDE;

    final Decoder decoder = new Decoder();
    private final int[] scratch = new int[DecodedBlock.MAX_INSNS * STRIDE];
    private final PageSource pageSource = new PageSource();
    private final LinearSource linearSource = new LinearSource();

    /** HLT executed; waiting for an interrupt. */
    boolean halted;
    /** Interrupts (and single-step traps) are held off until after the next instruction: STI, MOV SS, POP SS. */
    boolean shadowNext;
    /** NMI handler running: further NMIs wait for IRET. */
    boolean nmiBlocked;

    /** The x87 unit, or null when the CPU model has none. */
    final X87 x87;
    private final X87Bridge x87Bridge;

    Interpreter(Platform platform, CpuFeatures features) {
        super(platform, features);
        x87 = features.fpu() ? new X87() : null;
        x87Bridge = new X87Bridge(this);
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

    /** The next block: through a link of the previous block when it is still valid, else by lookup. */
    private DecodedBlock nextBlock() {
        DecodedBlock prev = lastBlock;
        if (prev != null) {
            DecodedBlock t = prev.link0;
            if (t != null && prev.link0Eip == eip && prev.link0Epoch == fetchEpoch && t.valid) {
                return t;
            }
            t = prev.link1;
            if (t != null && prev.link1Eip == eip && prev.link1Epoch == fetchEpoch && t.valid) {
                return t;
            }
        }
        DecodedBlock b = lookupBlock();
        if (prev != null && b != null) {
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

    // ---- operand helpers ----

    private int ea(int w0, int w1, int disp) {
        int a = (int) regs[w1 & 0x1F] + ((int) regs[(w1 >>> 5) & 0x1F] << ((w1 >>> 10) & 3)) + disp;
        return (w0 & Insn.A32) != 0 ? a : a & 0xFFFF;
    }

    private static int segOf(int w0) {
        return (w0 >>> Insn.SEG_SHIFT) & 7;
    }

    private static int regOf(int w0) {
        return (w0 >>> Insn.REG_SHIFT) & 0xF;
    }

    private static int subOf(int w0) {
        return (w0 >>> Insn.SUB_SHIFT) & 0xF;
    }

    private static int rmOf(int w1) {
        return (w1 >>> 12) & 0xF;
    }

    private static boolean isMem(int w0) {
        return (w0 & Insn.MEM) != 0;
    }

    private static boolean isO32(int w0) {
        return (w0 & Insn.O32) != 0;
    }

    private int readEb(int w0, int w1, int disp) {
        return isMem(w0) ? rd8(segOf(w0), ea(w0, w1, disp)) : r8(rmOf(w1));
    }

    private int readEw(int w0, int w1, int disp) {
        return isMem(w0) ? rd16(segOf(w0), ea(w0, w1, disp)) : r16(rmOf(w1));
    }

    private int readEv(int w0, int w1, int disp, boolean o32) {
        if (isMem(w0)) {
            int a = ea(w0, w1, disp);
            return o32 ? rd32(segOf(w0), a) : rd16(segOf(w0), a);
        }
        return o32 ? (int) regs[rmOf(w1)] : (int) regs[rmOf(w1)] & 0xFFFF;
    }

    private void writeEb(int w0, int w1, int disp, int v) {
        if (isMem(w0)) {
            wr8(segOf(w0), ea(w0, w1, disp), v);
        } else {
            w8(rmOf(w1), v);
        }
    }

    private void writeEv(int w0, int w1, int disp, int v, boolean o32) {
        if (isMem(w0)) {
            int a = ea(w0, w1, disp);
            if (o32) {
                wr32(segOf(w0), a, v);
            } else {
                wr16(segOf(w0), a, v);
            }
        } else {
            wv(rmOf(w1), v, o32);
        }
    }

    /** Near branch: the target is truncated to the operand size and must lie within CS. */
    private void jumpTo(int target, boolean o32) {
        if (!o32) {
            target &= 0xFFFF;
        }
        if ((target & 0xFFFFFFFFL) > (segLimit[CS] & 0xFFFFFFFFL)) {
            throw fault(CpuFault.GP, 0);
        }
        eip = target;
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
            case Op.RDPMC -> throw fault(CpuFault.GP, 0);
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

    // ---- ALU forms ----

    private void logic32(int d, int r) {
        flagRes = r;
        flagAux = 0;
        regs[d] = r & 0xFFFFFFFFL;
    }

    private void aluMem32(int w0, int w1, int disp, int src) {
        int k = subOf(w0);
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int r = alu(k, rd32(s, a), src, 0);
        if (k != CMP) {
            wr32(s, a, r);
        }
    }

    private void aluEb(int w0, int w1, int disp, int src) {
        int k = subOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int r = alu(k, rd8(s, a), src, 24);
            if (k != CMP) {
                wr8(s, a, r);
            }
        } else {
            int rm = rmOf(w1);
            int r = alu(k, r8(rm), src, 24);
            if (k != CMP) {
                w8(rm, r);
            }
        }
    }

    private void aluEv(int w0, int w1, int disp, int src, boolean o32) {
        int k = subOf(w0);
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int r = alu(k, rdv(s, a, o32), src, shift);
            if (k != CMP) {
                wrv(s, a, r, o32);
            }
        } else {
            int rm = rmOf(w1);
            int r = alu(k, rv(rm, o32), src, shift);
            if (k != CMP) {
                wv(rm, r, o32);
            }
        }
    }

    private void incDecEb(int w0, int w1, int disp, boolean inc) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rd8(s, a);
            wr8(s, a, inc ? inc(v, 24) : dec(v, 24));
        } else {
            int rm = rmOf(w1);
            int v = r8(rm);
            w8(rm, inc ? inc(v, 24) : dec(v, 24));
        }
    }

    private void incDecEv(int w0, int w1, int disp, boolean inc, boolean o32) {
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rdv(s, a, o32);
            wrv(s, a, inc ? inc(v, shift) : dec(v, shift), o32);
        } else {
            int rm = rmOf(w1);
            int v = rv(rm, o32);
            wv(rm, inc ? inc(v, shift) : dec(v, shift), o32);
        }
    }

    private void notEb(int w0, int w1, int disp) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wr8(s, a, ~rd8(s, a));
        } else {
            w8(rmOf(w1), ~r8(rmOf(w1)));
        }
    }

    private void notEv(int w0, int w1, int disp, boolean o32) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, ~rdv(s, a, o32), o32);
        } else {
            wv(rmOf(w1), ~rv(rmOf(w1), o32), o32);
        }
    }

    private void negEb(int w0, int w1, int disp) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wr8(s, a, neg(rd8(s, a), 24));
        } else {
            w8(rmOf(w1), neg(r8(rmOf(w1)), 24));
        }
    }

    private void negEv(int w0, int w1, int disp, boolean o32) {
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, neg(rdv(s, a, o32), shift), o32);
        } else {
            wv(rmOf(w1), neg(rv(rmOf(w1), o32), shift), o32);
        }
    }

    private void shiftEb(int w0, int w1, int disp, int count) {
        int k = subOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wr8(s, a, shiftRotate(k, rd8(s, a), count, 24));
        } else {
            w8(rmOf(w1), shiftRotate(k, r8(rmOf(w1)), count, 24));
        }
    }

    private void shiftEv(int w0, int w1, int disp, int count, boolean o32) {
        int k = subOf(w0);
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, shiftRotate(k, rdv(s, a, o32), count, shift), o32);
        } else {
            wv(rmOf(w1), shiftRotate(k, rv(rmOf(w1), o32), count, shift), o32);
        }
    }

    private void doubleShiftEv(int w0, int w1, int disp, boolean left, int count, boolean o32) {
        int shift = o32 ? 0 : 16;
        int src = rv(regOf(w0), o32);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, doubleShift(left, rdv(s, a, o32), src, count, shift), o32);
        } else {
            wv(rmOf(w1), doubleShift(left, rv(rmOf(w1), o32), src, count, shift), o32);
        }
    }

    private void xchgEb(int w0, int w1, int disp) {
        int g = regOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rd8(s, a);
            wr8(s, a, r8(g));
            w8(g, v);
        } else {
            int rm = rmOf(w1);
            int v = r8(rm);
            w8(rm, r8(g));
            w8(g, v);
        }
    }

    private void xchgEv(int w0, int w1, int disp, boolean o32) {
        int g = regOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rdv(s, a, o32);
            wrv(s, a, rv(g, o32), o32);
            wv(g, v, o32);
        } else {
            int rm = rmOf(w1);
            int v = rv(rm, o32);
            wv(rm, rv(g, o32), o32);
            wv(g, v, o32);
        }
    }

    private void xaddEb(int w0, int w1, int disp) {
        int g = regOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rd8(s, a);
            int r = alu(ADD, d, r8(g), 24);
            wr8(s, a, r);
            w8(g, d);
        } else {
            int rm = rmOf(w1);
            int d = r8(rm);
            int r = alu(ADD, d, r8(g), 24);
            w8(g, d);
            w8(rm, r);
        }
    }

    private void xaddEv(int w0, int w1, int disp, boolean o32) {
        int g = regOf(w0);
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rdv(s, a, o32);
            int r = alu(ADD, d, rv(g, o32), shift);
            wrv(s, a, r, o32);
            wv(g, d, o32);
        } else {
            int rm = rmOf(w1);
            int d = rv(rm, o32);
            int r = alu(ADD, d, rv(g, o32), shift);
            wv(g, d, o32);
            wv(rm, r, o32);
        }
    }

    private void cmpxchgEb(int w0, int w1, int disp) {
        int g = regOf(w0);
        int acc = r8(EAX);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rd8(s, a);
            alu(CMP, acc, d, 24);
            if (acc == d) {
                wr8(s, a, r8(g));
            } else {
                wr8(s, a, d);
                w8(EAX, d);
            }
        } else {
            int rm = rmOf(w1);
            int d = r8(rm);
            alu(CMP, acc, d, 24);
            if (acc == d) {
                w8(rm, r8(g));
            } else {
                w8(EAX, d);
            }
        }
    }

    private void cmpxchgEv(int w0, int w1, int disp, boolean o32) {
        int g = regOf(w0);
        int shift = o32 ? 0 : 16;
        int acc = rv(EAX, o32);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rdv(s, a, o32);
            alu(CMP, acc, d, shift);
            if (acc == d) {
                wrv(s, a, rv(g, o32), o32);
            } else {
                wrv(s, a, d, o32);
                wv(EAX, d, o32);
            }
        } else {
            int rm = rmOf(w1);
            int d = rv(rm, o32);
            alu(CMP, acc, d, shift);
            if (acc == d) {
                wv(rm, rv(g, o32), o32);
            } else {
                wv(EAX, d, o32);
            }
        }
    }

    private void cmpxchg8b(int w0, int w1, int disp) {
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        long m = rd64(s, a);
        long expected = (regs[EDX] << 32) | (regs[EAX] & 0xFFFFFFFFL);
        if (m == expected) {
            wr64(s, a, (regs[ECX] << 32) | (regs[EBX] & 0xFFFFFFFFL));
            setZF(true);
        } else {
            wr64(s, a, m);
            w32(EAX, (int) m);
            w32(EDX, (int) (m >>> 32));
            setZF(false);
        }
    }

    private void bitTest(int w0, int w1, int disp, int bitOffset, boolean registerOffset, boolean o32) {
        int kind = subOf(w0);
        int bits = o32 ? 32 : 16;
        int v;
        int bit;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            if (registerOffset) {
                int signed = o32 ? bitOffset : (short) bitOffset;
                a += (signed >> (o32 ? 5 : 4)) * (bits / 8);
                if ((w0 & Insn.A32) == 0) {
                    a &= 0xFFFF;
                }
            }
            bit = bitOffset & (bits - 1);
            v = rdv(s, a, o32);
            setCF(((v >>> bit) & 1) != 0);
            if (kind != 0) {
                wrv(s, a, bitUpdate(kind, v, bit), o32);
            }
        } else {
            int rm = rmOf(w1);
            bit = bitOffset & (bits - 1);
            v = rv(rm, o32);
            setCF(((v >>> bit) & 1) != 0);
            if (kind != 0) {
                wv(rm, bitUpdate(kind, v, bit), o32);
            }
        }
    }

    private static int bitUpdate(int kind, int v, int bit) {
        return switch (kind) {
            case 1 -> v | (1 << bit);
            case 2 -> v & ~(1 << bit);
            default -> v ^ (1 << bit);
        };
    }

    private void bitScan(int w0, int w1, int disp, boolean o32, boolean reverse) {
        int v = readEv(w0, w1, disp, o32);
        if (v == 0) {
            setZF(true);
            return;
        }
        int index = reverse ? 31 - Integer.numberOfLeadingZeros(v) : Integer.numberOfTrailingZeros(v);
        setZF(false);
        wv(regOf(w0), index, o32);
    }

    // ---- stack and control flow ----

    private void popEv(int w0, int w1, int disp, boolean o32) {
        if (!isMem(w0)) {
            wv(rmOf(w1), pop(o32), o32);
            return;
        }
        // The destination address is computed with ESP already incremented.
        long oldEsp = regs[ESP];
        int sp = r32(ESP);
        int v = peek(sp, 0, o32);
        commitStackPointer(sp + (o32 ? 4 : 2));
        try {
            writeEv(w0, w1, disp, v, o32);
        } catch (CpuFault f) {
            regs[ESP] = oldEsp;
            throw f;
        }
    }

    private void popSegment(int s, boolean o32) {
        int sp = r32(ESP);
        int v = peek(sp, 0, o32);
        loadSegment(s, v);
        commitStackPointer(sp + (o32 ? 4 : 2));
        if (s == SS) {
            shadowNext = true;
            checkEvents = true;
        }
    }

    private void movToSegment(int s, int sel) {
        loadSegment(s, sel);
        if (s == SS) {
            shadowNext = true;
            checkEvents = true;
        }
    }

    private void movFromSegment(int w0, int w1, int disp, boolean o32) {
        int v = segSel[regOf(w0)];
        if (isMem(w0)) {
            wr16(segOf(w0), ea(w0, w1, disp), v);
        } else {
            wv(rmOf(w1), v, o32);
        }
    }

    private void pusha(boolean o32) {
        int sp = r32(ESP);
        int original = sp;
        for (int r = EAX; r <= EDI; r++) {
            sp = pushAt(sp, r == ESP ? original : (int) regs[r], o32);
        }
        commitStackPointer(sp);
    }

    private void popa(boolean o32) {
        int sp = r32(ESP);
        int size = o32 ? 4 : 2;
        int[] v = popaValues;
        for (int k = 0; k < 8; k++) {
            v[k] = peek(sp, k * size, o32);
        }
        for (int k = 0; k < 8; k++) {
            int r = EDI - k;
            if (r != ESP) {
                wv(r, v[k], o32);
            }
        }
        commitStackPointer(sp + 8 * size);
    }

    private final int[] popaValues = new int[8];

    private void bound(int w0, int w1, int disp, boolean o32) {
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int index = rv(regOf(w0), o32);
        int lower;
        int upper;
        if (o32) {
            lower = rd32(s, a);
            upper = rd32(s, a + 4);
        } else {
            int hi = (w0 & Insn.A32) != 0 ? a + 2 : (a + 2) & 0xFFFF;
            lower = (short) rd16(s, a);
            upper = (short) rd16(s, hi);
            index = (short) index;
        }
        if (index < lower || index > upper) {
            throw fault(CpuFault.BR);
        }
    }

    private void arpl(int w0, int w1, int disp) {
        requireProtectedMode();
        int src = r16(regOf(w0));
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rd16(s, a);
            if ((d & 3) < (src & 3)) {
                wr16(s, a, (d & ~3) | (src & 3));
                setZF(true);
            } else {
                setZF(false);
            }
        } else {
            int rm = rmOf(w1);
            int d = r16(rm);
            if ((d & 3) < (src & 3)) {
                w16(rm, (d & ~3) | (src & 3));
                setZF(true);
            } else {
                setZF(false);
            }
        }
    }

    private void nearCall(int target, boolean o32) {
        if (!o32) {
            target &= 0xFFFF;
        }
        if ((target & 0xFFFFFFFFL) > (segLimit[CS] & 0xFFFFFFFFL)) {
            throw fault(CpuFault.GP, 0);
        }
        push(eip, o32);
        eip = target;
    }

    private void nearReturn(int release, boolean o32) {
        int sp = r32(ESP);
        int target = peek(sp, 0, o32);
        jumpTo(target, o32);
        commitStackPointer(sp + (o32 ? 4 : 2) + release);
    }

    private void loop(int w0, int rel, boolean o32) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int cx = (a32 ? r32(ECX) : r16(ECX)) - 1;
        boolean go = a32 ? cx != 0 : (cx & 0xFFFF) != 0;
        int op = w0 & 0x3FF;
        if (op == Op.LOOPE) {
            go &= zf();
        } else if (op == Op.LOOPNE) {
            go &= !zf();
        }
        if (go) {
            jumpTo(eip + rel, o32);
        }
        if (a32) {
            w32(ECX, cx);
        } else {
            w16(ECX, cx);
        }
    }

    private void enter(int size, int level, boolean o32) {
        int opBytes = o32 ? 4 : 2;
        int sp = pushAt(r32(ESP), rv(EBP, o32), o32);
        int frame = sp;
        if (level > 0) {
            int bp = r32(EBP);
            for (int i = 1; i < level; i++) {
                bp -= opBytes;
                sp = pushAt(sp, peek(bp, 0, o32), o32);
            }
            sp = pushAt(sp, frame, o32);
        }
        sp -= size;
        // The processor checks that the final stack top is writable before it commits (SDM ENTER).
        checkWritable(SS, stackOffset(sp), 1);
        if (stack32) {
            w32(EBP, frame);
        } else {
            w16(EBP, frame);
        }
        commitStackPointer(sp);
    }

    private void leave(boolean o32) {
        int bp = stack32 ? r32(EBP) : r16(EBP);
        int v = o32 ? rd32(SS, bp) : rd16(SS, bp);
        commitStackPointer(bp + (o32 ? 4 : 2));
        wv(EBP, v, o32);
    }

    private void loadFarPointer(int w0, int w1, int disp, boolean o32) {
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int offset = rdv(s, a, o32);
        int selAddr = a + (o32 ? 4 : 2);
        if ((w0 & Insn.A32) == 0) {
            selAddr &= 0xFFFF;
        }
        int sel = rd16(s, selAddr);
        loadSegment(subOf(w0), sel);
        wv(regOf(w0), offset, o32);
    }

    private void farIndirect(int w0, int w1, int disp, boolean o32) {
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int offset = rdv(s, a, o32);
        int selAddr = a + (o32 ? 4 : 2);
        if ((w0 & Insn.A32) == 0) {
            selAddr &= 0xFFFF;
        }
        int sel = rd16(s, selAddr);
        if ((w0 & 0x3FF) == Op.CALLF_Ep) {
            farCall(sel, offset, o32);
        } else {
            farJump(sel, offset, o32);
        }
    }

    private void softwareInterrupt(int vector, int kind) {
        if (v86 && iopl() < 3 && kind == INT_SOFTWARE) {
            throw fault(CpuFault.GP, 0);
        }
        interrupt(vector, kind, false, 0);
    }

    private void pushf(boolean o32) {
        if (v86 && iopl() < 3) {
            throw fault(CpuFault.GP, 0);
        }
        push(getEflags() & ~(VM | RF), o32);
    }

    private void popf(boolean o32) {
        if (v86 && iopl() < 3) {
            throw fault(CpuFault.GP, 0);
        }
        int v = pop(o32);
        writeFlags(v, popfMask(o32) | RF);
        eflags &= ~RF;
    }

    private void checkInterruptFlagPrivilege() {
        if (v86 ? iopl() < 3 : protectedMode && cpl > iopl()) {
            throw fault(CpuFault.GP, 0);
        }
    }

    private void portIn(int w0, int imm, int size) {
        int port = subOf(w0) == 1 ? r16(EDX) : imm & 0xFF;
        checkIoPermission(port, size);
        checkEvents = true;
        int v = platform.ports().in(port, size);
        switch (size) {
            case 1 -> w8(EAX, v);
            case 2 -> w16(EAX, v);
            default -> w32(EAX, v);
        }
    }

    private void portOut(int w0, int imm, int size) {
        int port = subOf(w0) == 1 ? r16(EDX) : imm & 0xFF;
        checkIoPermission(port, size);
        checkEvents = true;
        platform.ports().out(port, size, (int) regs[EAX]);
    }

    // ---- system instructions ----

    private void requireProtectedMode() {
        if (!protectedMode) {
            throw fault(CpuFault.UD);
        }
    }

    private void storeSystemSelector(int w0, int w1, int disp, int sel, boolean o32) {
        requireProtectedMode();
        if (isMem(w0)) {
            wr16(segOf(w0), ea(w0, w1, disp), sel);
        } else {
            wv(rmOf(w1), sel & 0xFFFF, o32);
        }
    }

    private void storeTable(int w0, int w1, int disp, int base, int limit, boolean o32) {
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int next = (w0 & Insn.A32) != 0 ? a + 2 : (a + 2) & 0xFFFF;
        checkWritable(s, a, 2);
        checkWritable(s, next, 4);
        wr16(s, a, limit);
        wr32(s, next, o32 ? base : base & 0xFFFFFF);
    }

    private void loadTable(int w0, int w1, int disp, boolean o32, boolean gdt) {
        requireCpl0();
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int next = (w0 & Insn.A32) != 0 ? a + 2 : (a + 2) & 0xFFFF;
        int limit = rd16(s, a);
        int base = rd32(s, next);
        if (!o32) {
            base &= 0xFFFFFF;
        }
        if (gdt) {
            gdtrBase = base;
            gdtrLimit = limit;
        } else {
            idtrBase = base;
            idtrLimit = limit;
        }
    }

    private void verify(int sel, boolean write) {
        boolean ok = false;
        if ((sel & 0xFFFC) != 0 && fetchDescriptor(sel)) {
            int a = descAttr(descHi);
            if (!attrSystem(a)) {
                boolean privileged = attrConforming(a) || attrDpl(a) >= Math.max(cpl, sel & 3);
                ok = privileged && (write ? attrWritableData(a) : (!attrCode(a) || attrReadableCode(a)));
            }
        }
        setZF(ok);
    }

    private void loadAccessRightsOrLimit(int w0, int w1, int disp, boolean o32, boolean limit) {
        int sel = readEw(w0, w1, disp);
        boolean ok = false;
        if ((sel & 0xFFFC) != 0 && fetchDescriptor(sel)) {
            int a = descAttr(descHi);
            boolean visible;
            if (attrSystem(a)) {
                int t = attrType(a);
                boolean typeOk = limit
                        ? t == TSS16_AVAILABLE || t == LDT || t == TSS16_BUSY || t == TSS32_AVAILABLE || t == TSS32_BUSY
                        : t == TSS16_AVAILABLE || t == LDT || t == TSS16_BUSY || t == CALL_GATE16 || t == TASK_GATE
                          || t == TSS32_AVAILABLE || t == TSS32_BUSY || t == CALL_GATE32;
                visible = typeOk && attrDpl(a) >= Math.max(cpl, sel & 3);
            } else {
                visible = attrConforming(a) || attrDpl(a) >= Math.max(cpl, sel & 3);
            }
            if (visible) {
                ok = true;
                // The SDM leaves LAR's bits 19:16 undefined; processors return the descriptor's limit bits there.
                int v = limit ? descLimit(descLo, descHi) : descHi & 0x00FFFF00;
                wv(regOf(w0), v, o32);
            }
        }
        setZF(ok);
    }

    private void sysenter() {
        if ((cr0 & CR0_PE) == 0 || (sysenterCs & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        int cs = (int) sysenterCs & 0xFFFC;
        eflags &= ~(VM | IF | RF);
        updateMode();
        int code = SegmentState.P | SegmentState.S | SegmentState.DB | SegmentState.G | 0xB;
        int data = SegmentState.P | SegmentState.S | SegmentState.DB | SegmentState.G | 0x3;
        setSegment(CS, cs, 0, 0xFFFFFFFF, code);
        setSegment(SS, cs + 8, 0, 0xFFFFFFFF, data);
        setCpl(0);
        code32 = true;
        w32(ESP, (int) sysenterEsp);
        eip = (int) sysenterEip;
    }

    private void sysexit() {
        if ((cr0 & CR0_PE) == 0 || v86 || cpl != 0 || (sysenterCs & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        int cs = (int) sysenterCs & 0xFFFC;
        int dpl3 = 3 << SegmentState.DPL_SHIFT;
        int code = SegmentState.P | SegmentState.S | SegmentState.DB | SegmentState.G | dpl3 | 0xB;
        int data = SegmentState.P | SegmentState.S | SegmentState.DB | SegmentState.G | dpl3 | 0x3;
        setSegment(CS, (cs + 16) | 3, 0, 0xFFFFFFFF, code);
        setSegment(SS, (cs + 24) | 3, 0, 0xFFFFFFFF, data);
        setCpl(3);
        code32 = true;
        w32(ESP, r32(ECX));
        eip = r32(EDX);
    }

    // ---- x87 ----

    /** FWAIT: #NM when CR0.MP and CR0.TS are both set; then reports a pending unmasked x87 exception. */
    private void fwait() {
        if ((cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
            throw fault(CpuFault.NM);
        }
        if (x87 != null && x87.unmaskedExceptionPending()) {
            floatingPointError();
        }
    }

    /**
     * A waiting instruction found an unmasked x87 exception: #MF with CR0.NE, else the legacy FERR# line (IRQ13 via
     * the chipset) and the instruction proceeds, as on a PC with DOS-compatible error reporting.
     */
    private void floatingPointError() {
        if ((cr0 & CR0_NE) != 0) {
            throw fault(CpuFault.MF);
        }
        platform.interrupts().assertFerr();
    }

    /**
     * D8-DF: #NM when CR0.EM or CR0.TS is set, #UD for encodings the x87 lacks, #MF/FERR# for waiting forms with a
     * pending exception, then the segment checks of the whole memory operand before the unit runs. Without an x87
     * unit only those segment checks apply (as on a 286/386 without coprocessor, whose bus interface still fetches
     * the operand) and nothing else changes. {@code attributes} were computed by the decoder.
     */
    private void escape(int w0, int w1, int disp, int modrm, int attributes) {
        if ((cr0 & (CR0_EM | CR0_TS)) != 0) {
            throw fault(CpuFault.NM);
        }
        if (x87 != null) {
            if ((attributes & Decoder.X87_UNDEFINED) != 0) {
                throw fault(CpuFault.UD);
            }
            if ((attributes & Decoder.X87_WAITING) != 0 && x87.unmaskedExceptionPending()) {
                floatingPointError();
            }
        }
        long la = 0;
        long offset = 0;
        int selector = 0;
        if (isMem(w0)) {
            int size = attributes >>> 8;
            int off = ea(w0, w1, disp);
            int s = segOf(w0);
            boolean store = (attributes & Decoder.X87_STORE) != 0;
            if ((off & 0xFFFFFFFFL) + size - 1 > (store ? segWriteMax[s] : segReadMax[s])) {
                segmentCheckSlow(s, off, size, store);
            }
            la = (segBase[s] + off) & 0xFFFFFFFFL;
            offset = off & 0xFFFFFFFFL;
            selector = segSel[s];
        }
        if (x87 != null) {
            x87Bridge.operandSize32 = (w0 & Insn.O32) != 0;
            x87.execute(0xD8 | subOf(w0), modrm, la, offset, selector, x87Bridge);
        }
    }

    /** FXSAVE/FXRSTOR: #UD without FXSR or with CR0.EM, #NM with CR0.TS, #GP(0) unless 16-byte aligned. */
    private void fxsaveRestore(int w0, int w1, int disp, boolean save) {
        if (x87 == null || (cr0 & CR0_EM) != 0) {
            throw fault(CpuFault.UD);
        }
        if ((cr0 & CR0_TS) != 0) {
            throw fault(CpuFault.NM);
        }
        int s = segOf(w0);
        int off = ea(w0, w1, disp);
        int la = segBase[s] + off;
        if ((la & 15) != 0) {
            throw fault(CpuFault.GP, 0);
        }
        if ((off & 0xFFFFFFFFL) + 511 > (save ? segWriteMax[s] : segReadMax[s])) {
            segmentCheckSlow(s, off, 512, save);
        }
        x87Bridge.operandSize32 = (w0 & Insn.O32) != 0;
        if (save) {
            x87.fxsave(la & 0xFFFFFFFFL, x87Bridge);
        } else {
            if (!X87.isValidMxcsr(readLin32(la + 24))) {
                throw fault(CpuFault.GP, 0);
            }
            x87.fxrstor(la & 0xFFFFFFFFL, x87Bridge);
        }
    }
}
