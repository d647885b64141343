package org.quasivm.exec.cpu;

import org.quasivm.exec.Platform;
import org.quasivm.exec.decode.Decoder;
import org.quasivm.exec.decode.Insn;
import org.quasivm.exec.decode.Op;
import org.quasivm.exec.fpu.X87;
import org.quasivm.exec.state.SegmentState;

/**
 * Stack, control-flow, I/O, system and x87 instructions called from the dispatch. Split from the interpreter so each
 * file stays about one thing.
 */
abstract class CpuInstructions extends CpuOperands {
    /** HLT executed; waiting for an interrupt. */
    boolean halted;
    /** Interrupts (and single-step traps) are held off until after the next instruction: STI, MOV SS, POP SS. */
    boolean shadowNext;
    /** NMI handler running: further NMIs wait for IRET. */
    boolean nmiBlocked;

    /** The x87 unit, or null when the CPU model has none. */
    final X87 x87;
    private final X87Bridge x87Bridge;

    CpuInstructions(Platform platform, CpuFeatures features) {
        super(platform, features);
        x87 = features.fpu() ? new X87() : null;
        x87Bridge = new X87Bridge(this);
    }

    // ---- stack and control flow ----

    void popEv(int w0, int w1, int disp, boolean o32) {
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

    void popSegment(int s, boolean o32) {
        int sp = r32(ESP);
        int v = peek(sp, 0, o32);
        loadSegment(s, v);
        commitStackPointer(sp + (o32 ? 4 : 2));
        if (s == SS) {
            shadowNext = true;
            checkEvents = true;
        }
    }

    void movToSegment(int s, int sel) {
        loadSegment(s, sel);
        if (s == SS) {
            shadowNext = true;
            checkEvents = true;
        }
    }

    void movFromSegment(int w0, int w1, int disp, boolean o32) {
        int v = segSel[regOf(w0)];
        if (isMem(w0)) {
            wr16(segOf(w0), ea(w0, w1, disp), v);
        } else {
            wv(rmOf(w1), v, o32);
        }
    }

    void pusha(boolean o32) {
        int sp = r32(ESP);
        int original = sp;
        for (int r = EAX; r <= EDI; r++) {
            sp = pushAt(sp, r == ESP ? original : (int) regs[r], o32);
        }
        commitStackPointer(sp);
    }

    void popa(boolean o32) {
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

    void bound(int w0, int w1, int disp, boolean o32) {
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

    void arpl(int w0, int w1, int disp) {
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

    void nearCall(int target, boolean o32) {
        if (!o32) {
            target &= 0xFFFF;
        }
        if ((target & 0xFFFFFFFFL) > (segLimit[CS] & 0xFFFFFFFFL)) {
            throw fault(CpuFault.GP, 0);
        }
        push(eip, o32);
        eip = target;
    }

    void nearReturn(int release, boolean o32) {
        int sp = r32(ESP);
        int target = peek(sp, 0, o32);
        jumpTo(target, o32);
        commitStackPointer(sp + (o32 ? 4 : 2) + release);
    }

    void loop(int w0, int rel, boolean o32) {
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

    void enter(int size, int level, boolean o32) {
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

    void leave(boolean o32) {
        int bp = stack32 ? r32(EBP) : r16(EBP);
        int v = o32 ? rd32(SS, bp) : rd16(SS, bp);
        commitStackPointer(bp + (o32 ? 4 : 2));
        wv(EBP, v, o32);
    }

    void loadFarPointer(int w0, int w1, int disp, boolean o32) {
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

    void farIndirect(int w0, int w1, int disp, boolean o32) {
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

    void softwareInterrupt(int vector, int kind) {
        if (v86 && iopl() < 3 && kind == INT_SOFTWARE) {
            throw fault(CpuFault.GP, 0);
        }
        interrupt(vector, kind, false, 0);
    }

    void pushf(boolean o32) {
        if (v86 && iopl() < 3) {
            throw fault(CpuFault.GP, 0);
        }
        push(getEflags() & ~(VM | RF), o32);
    }

    void popf(boolean o32) {
        if (v86 && iopl() < 3) {
            throw fault(CpuFault.GP, 0);
        }
        int v = pop(o32);
        writeFlags(v, popfMask(o32) | RF);
        eflags &= ~RF;
    }

    void checkInterruptFlagPrivilege() {
        if (v86 ? iopl() < 3 : protectedMode && cpl > iopl()) {
            throw fault(CpuFault.GP, 0);
        }
    }

    void portIn(int w0, int imm, int size) {
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

    void portOut(int w0, int imm, int size) {
        int port = subOf(w0) == 1 ? r16(EDX) : imm & 0xFF;
        checkIoPermission(port, size);
        checkEvents = true;
        platform.ports().out(port, size, (int) regs[EAX]);
    }

    // ---- system instructions ----

    void requireProtectedMode() {
        if (!protectedMode) {
            throw fault(CpuFault.UD);
        }
    }

    void storeSystemSelector(int w0, int w1, int disp, int sel, boolean o32) {
        requireProtectedMode();
        if (isMem(w0)) {
            wr16(segOf(w0), ea(w0, w1, disp), sel);
        } else {
            wv(rmOf(w1), sel & 0xFFFF, o32);
        }
    }

    void storeTable(int w0, int w1, int disp, int base, int limit, boolean o32) {
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int next = (w0 & Insn.A32) != 0 ? a + 2 : (a + 2) & 0xFFFF;
        checkWritable(s, a, 2);
        checkWritable(s, next, 4);
        wr16(s, a, limit);
        wr32(s, next, o32 ? base : base & 0xFFFFFF);
    }

    void loadTable(int w0, int w1, int disp, boolean o32, boolean gdt) {
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

    void verify(int sel, boolean write) {
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

    void loadAccessRightsOrLimit(int w0, int w1, int disp, boolean o32, boolean limit) {
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

    void sysenter() {
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

    void sysexit() {
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
    void fwait() {
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
    void floatingPointError() {
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
    void escape(int w0, int w1, int disp, int modrm, int attributes) {
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
    void fxsaveRestore(int w0, int w1, int disp, boolean save) {
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
