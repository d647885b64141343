package org.quasivm.exec.cpu;

import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.exec.state.SegmentState;

/**
 * Control transfers that cross segments or privilege levels: far JMP/CALL/RET, IRET, interrupt and exception
 * delivery (real-mode IVT, protected-mode IDT gates, virtual-8086 entry and exit), and hardware task switches
 * (Intel SDM vol. 3, ch. 5-7; vol. 2 JMP, CALL, RET, IRET, INT n).
 *
 * <p>Everything a transfer checks and reads happens before it changes a register, so a fault leaves the state of the
 * instruction start (the caller rolls EIP back). Memory already written to a new stack stays written, as on hardware.
 */
abstract class CpuTransfers extends CpuSegments {
    /** Where an interrupt comes from: decides the EXT bit of error codes and the gate DPL check. */
    static final int INT_EXTERNAL = 0, INT_EXCEPTION = 1, INT_SOFTWARE = 2, INT_ICEBP = 3;
    /** What caused a task switch. */
    static final int SWITCH_JMP = 0, SWITCH_CALL = 1, SWITCH_IRET = 2, SWITCH_INT = 3;

    private int tssSs;
    private int tssSp;

    CpuTransfers(PhysicalMemory memory) {
        super(memory);
    }

    // ---- EFLAGS writes ----

    /** POPF/IRET/task-switch flag load: only bits in {@code mask} change. */
    final void writeFlags(int value, int mask) {
        int f = (getEflags() & ~mask) | (value & mask);
        boolean wasV86 = v86;
        setEflagsRaw(f);
        if (((eflags & VM) != 0) != wasV86) {
            updateMode();
        }
    }

    /** The EFLAGS bits POPF and a same-level IRET may change at the current privilege. */
    final int popfMask(boolean o32) {
        int mask = ARITH_FLAGS | TF | DF | NT;
        if (o32) {
            mask |= AC | ID;
        }
        if (!protectedMode && !v86) {
            mask |= IOPL | IF;
        } else if (v86) {
            mask |= IF;
        } else {
            if (cpl == 0) {
                mask |= IOPL;
            }
            if (cpl <= iopl()) {
                mask |= IF;
            }
        }
        return o32 ? mask : mask & 0xFFFF;
    }

    final int iopl() {
        return (eflags >>> 12) & 3;
    }

    /** Recomputes the mode booleans from CR0.PE and EFLAGS.VM. */
    final void updateMode() {
        boolean pe = (cr0 & CR0_PE) != 0;
        v86 = pe && (eflags & VM) != 0;
        protectedMode = pe && !v86;
        code32 = protectedMode && (segAttr[CS] & SegmentState.DB) != 0;
        fetchEpoch++;
        if (!pe) {
            setCpl(0);
        } else if (v86) {
            setCpl(3);
        }
        for (int s = 0; s < 6; s++) {
            updateSegmentChecks(s);
        }
    }

    // ---- code segment loads ----

    /** Loads CS from the descriptor in descLo/descHi with RPL = {@code newCpl}, and sets the CPL. */
    final void loadCodeSegment(int sel, int newCpl) {
        markAccessed();
        setSegment(CS, (sel & 0xFFFC) | newCpl, descBase(descLo, descHi), descLimit(descLo, descHi),
                descAttr(descHi));
        setCpl(newCpl);
        code32 = (segAttr[CS] & SegmentState.DB) != 0;
    }

    final void checkCodeLimit(int offset, int limit) {
        if ((offset & 0xFFFFFFFFL) > (limit & 0xFFFFFFFFL)) {
            throw fault(CpuFault.GP, 0);
        }
    }

    // ---- far JMP ----

    final void farJump(int sel, int offset, boolean o32) {
        sel &= 0xFFFF;
        if (!protectedMode) {
            if (!o32) {
                offset &= 0xFFFF;
            }
            checkCodeLimit(offset, segLimit[CS]);
            loadSegmentRealOrV86(CS, sel);
            eip = offset;
            return;
        }
        if ((sel & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        int rpl = sel & 3;
        if (attrCode(attr)) {
            checkDirectCodeTarget(sel, attr, rpl);
            if (!o32) {
                offset &= 0xFFFF;
            }
            checkCodeLimit(offset, descLimit(descLo, descHi));
            loadCodeSegment(sel, cpl);
            eip = offset;
            return;
        }
        if (!attrSystem(attr)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int type = attrType(attr);
        switch (type) {
            case CALL_GATE16, CALL_GATE32 -> {
                checkGate(sel, attr, rpl);
                boolean gate32 = type == CALL_GATE32;
                int target = descLo >>> 16;
                int gateOffset = gate32 ? (descLo & 0xFFFF) | (descHi & 0xFFFF0000) : descLo & 0xFFFF;
                int targetAttr = fetchGateTarget(target);
                if (attrConforming(targetAttr) ? attrDpl(targetAttr) > cpl : attrDpl(targetAttr) != cpl) {
                    throw fault(CpuFault.GP, target & 0xFFFC);
                }
                if (!attrPresent(targetAttr)) {
                    throw fault(CpuFault.NP, target & 0xFFFC);
                }
                checkCodeLimit(gateOffset, descLimit(descLo, descHi));
                loadCodeSegment(target, cpl);
                eip = gateOffset;
            }
            case TASK_GATE -> {
                checkGate(sel, attr, rpl);
                switchThroughTaskGate(SWITCH_JMP);
            }
            case TSS16_AVAILABLE, TSS32_AVAILABLE -> {
                if (attrDpl(attr) < Math.max(cpl, rpl)) {
                    throw fault(CpuFault.GP, sel & 0xFFFC);
                }
                if (!attrPresent(attr)) {
                    throw fault(CpuFault.NP, sel & 0xFFFC);
                }
                taskSwitch(sel, descLo, descHi, descAddr, SWITCH_JMP, false, 0);
            }
            default -> throw fault(CpuFault.GP, sel & 0xFFFC);
        }
    }

    /** Privilege checks for a JMP/CALL straight to a code segment (no gate). */
    private void checkDirectCodeTarget(int sel, int attr, int rpl) {
        if (attrConforming(attr)) {
            if (attrDpl(attr) > cpl) {
                throw fault(CpuFault.GP, sel & 0xFFFC);
            }
        } else if (rpl > cpl || attrDpl(attr) != cpl) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, sel & 0xFFFC);
        }
    }

    private void checkGate(int sel, int attr, int rpl) {
        if (attrDpl(attr) < cpl || attrDpl(attr) < rpl) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, sel & 0xFFFC);
        }
    }

    /** Fetches the code segment a call gate names; returns its attributes (descriptor left in descLo/descHi). */
    private int fetchGateTarget(int target) {
        if ((target & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        if (!fetchDescriptor(target)) {
            throw fault(CpuFault.GP, target & 0xFFFC);
        }
        int attr = descAttr(descHi);
        if (!attrCode(attr) || attrDpl(attr) > cpl) {
            throw fault(CpuFault.GP, target & 0xFFFC);
        }
        return attr;
    }

    /** The descriptor in descLo/descHi is a task gate: switch to the TSS it names. */
    private void switchThroughTaskGate(int source) {
        int tss = descLo >>> 16;
        if ((tss & 4) != 0 || !fetchDescriptor(tss)) {
            throw fault(CpuFault.GP, tss & 0xFFFC);
        }
        int attr = descAttr(descHi);
        int type = attrType(attr);
        if (!attrSystem(attr) || (type != TSS16_AVAILABLE && type != TSS32_AVAILABLE)) {
            throw fault(CpuFault.GP, tss & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, tss & 0xFFFC);
        }
        taskSwitch(tss, descLo, descHi, descAddr, source, false, 0);
    }

    // ---- far CALL ----

    final void farCall(int sel, int offset, boolean o32) {
        sel &= 0xFFFF;
        if (!protectedMode) {
            if (!o32) {
                offset &= 0xFFFF;
            }
            checkCodeLimit(offset, segLimit[CS]);
            int sp = pushAt(r32(ESP), segSel[CS], o32);
            sp = pushAt(sp, eip, o32);
            commitStackPointer(sp);
            loadSegmentRealOrV86(CS, sel);
            eip = offset;
            return;
        }
        if ((sel & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        int rpl = sel & 3;
        if (attrCode(attr)) {
            checkDirectCodeTarget(sel, attr, rpl);
            if (!o32) {
                offset &= 0xFFFF;
            }
            checkCodeLimit(offset, descLimit(descLo, descHi));
            int lo = descLo;
            int hi = descHi;
            int addr = descAddr;
            int sp = pushAt(r32(ESP), segSel[CS], o32);
            sp = pushAt(sp, eip, o32);
            descLo = lo;
            descHi = hi;
            descAddr = addr;
            commitStackPointer(sp);
            loadCodeSegment(sel, cpl);
            eip = offset;
            return;
        }
        if (!attrSystem(attr)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int type = attrType(attr);
        switch (type) {
            case CALL_GATE16, CALL_GATE32 -> callGate(sel, attr, rpl, type == CALL_GATE32);
            case TASK_GATE -> {
                checkGate(sel, attr, rpl);
                switchThroughTaskGate(SWITCH_CALL);
            }
            case TSS16_AVAILABLE, TSS32_AVAILABLE -> {
                if (attrDpl(attr) < Math.max(cpl, rpl)) {
                    throw fault(CpuFault.GP, sel & 0xFFFC);
                }
                if (!attrPresent(attr)) {
                    throw fault(CpuFault.NP, sel & 0xFFFC);
                }
                taskSwitch(sel, descLo, descHi, descAddr, SWITCH_CALL, false, 0);
            }
            default -> throw fault(CpuFault.GP, sel & 0xFFFC);
        }
    }

    private void callGate(int sel, int attr, int rpl, boolean gate32) {
        checkGate(sel, attr, rpl);
        int target = descLo >>> 16;
        int gateOffset = gate32 ? (descLo & 0xFFFF) | (descHi & 0xFFFF0000) : descLo & 0xFFFF;
        int params = descHi & 0x1F;
        int targetAttr = fetchGateTarget(target);
        if (!attrPresent(targetAttr)) {
            throw fault(CpuFault.NP, target & 0xFFFC);
        }
        int csLo = descLo;
        int csHi = descHi;
        int csAddr = descAddr;
        int dpl = attrDpl(targetAttr);
        checkCodeLimit(gateOffset, descLimit(csLo, csHi));
        if (!attrConforming(targetAttr) && dpl < cpl) {
            readTssStack(dpl, 0);
            int newSs = tssSs;
            int newSp = tssSp;
            checkStackSegment(newSs, dpl, CpuFault.TS, 0);
            int ssBase = descBase(descLo, descHi);
            int ssLimit = descLimit(descLo, descHi);
            int ssAttr = descAttr(descHi);
            int ssAddr = descAddr;
            int ssHi = descHi;
            int oldSp = r32(ESP);
            int oldSs = segSel[SS];
            int sp = newSp;
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, oldSs, gate32, newSs);
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, stack32 ? oldSp : oldSp & 0xFFFF, gate32, newSs);
            for (int i = params - 1; i >= 0; i--) {
                int v = peek(oldSp, i * (gate32 ? 4 : 2), gate32);
                sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, v, gate32, newSs);
            }
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, segSel[CS], gate32, newSs);
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, eip, gate32, newSs);
            if ((ssHi & (1 << 8)) == 0) {
                writeSys8(ssAddr + 5, (ssHi >>> 8) | 1);
                ssAttr |= 1;
            }
            setSegment(SS, newSs, ssBase, ssLimit, ssAttr);
            commitStackPointer(sp);
            descLo = csLo;
            descHi = csHi;
            descAddr = csAddr;
            loadCodeSegment(target, dpl);
            eip = gateOffset;
            return;
        }
        int sp = pushAt(r32(ESP), segSel[CS], gate32);
        sp = pushAt(sp, eip, gate32);
        commitStackPointer(sp);
        descLo = csLo;
        descHi = csHi;
        descAddr = csAddr;
        loadCodeSegment(target, cpl);
        eip = gateOffset;
    }

    /** SS:ESP for privilege level {@code dpl} from the current TSS into tssSs/tssSp. */
    private void readTssStack(int dpl, int ext) {
        int type = attrType(trAttr);
        boolean tss32 = type == TSS32_BUSY || type == TSS32_AVAILABLE;
        if (tss32) {
            int off = 4 + dpl * 8;
            if (off + 5 > (trLimit & 0xFFFFFFFFL)) {
                throw fault(CpuFault.TS, (trSel & 0xFFFC) | ext);
            }
            tssSp = readSys32(trBase + off);
            tssSs = readSys16(trBase + off + 4);
        } else {
            int off = 2 + dpl * 4;
            if (off + 3 > (trLimit & 0xFFFFFFFFL)) {
                throw fault(CpuFault.TS, (trSel & 0xFFFC) | ext);
            }
            tssSp = readSys16(trBase + off);
            tssSs = readSys16(trBase + off + 2);
        }
    }

    /** Pushes onto a stack segment that is not loaded yet (privilege change), checking its limit. */
    private int pushNewStack(int base, int limit, int attr, int sp, int v, boolean d32, int ssSel) {
        boolean big = (attr & SegmentState.DB) != 0;
        int size = d32 ? 4 : 2;
        sp -= size;
        long off = big ? sp & 0xFFFFFFFFL : sp & 0xFFFF;
        long lim = limit & 0xFFFFFFFFL;
        boolean ok;
        if ((attr & 0xC) == 4) {
            ok = off > lim && off + size - 1 <= (big ? 0xFFFFFFFFL : 0xFFFFL);
        } else {
            ok = off + size - 1 <= lim;
        }
        if (!ok) {
            throw fault(CpuFault.SS, ssSel & 0xFFFC);
        }
        if (d32) {
            writeSys32(base + (int) off, v);
        } else {
            writeSys16(base + (int) off, v);
        }
        return sp;
    }

    // ---- far RET ----

    final void farReturn(boolean o32, int release) {
        int size = o32 ? 4 : 2;
        int sp = r32(ESP);
        if (!protectedMode) {
            int offset = peek(sp, 0, o32);
            int sel = peek(sp, size, o32) & 0xFFFF;
            checkCodeLimit(offset, segLimit[CS]);
            loadSegmentRealOrV86(CS, sel);
            eip = offset;
            commitStackPointer(sp + 2 * size + release);
            return;
        }
        int offset = peek(sp, 0, o32);
        int sel = peek(sp, size, o32) & 0xFFFF;
        int rpl = sel & 3;
        if ((sel & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        if (rpl < cpl || !attrCode(attr)
                || (attrConforming(attr) ? attrDpl(attr) > rpl : attrDpl(attr) != rpl)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, sel & 0xFFFC);
        }
        if (rpl == cpl) {
            checkCodeLimit(offset, descLimit(descLo, descHi));
            loadCodeSegment(sel, cpl);
            eip = offset;
            commitStackPointer(sp + 2 * size + release);
            return;
        }
        int csLo = descLo;
        int csHi = descHi;
        int csAddr = descAddr;
        int newSp = peek(sp, 2 * size + release, o32);
        int newSs = peek(sp, 3 * size + release, o32) & 0xFFFF;
        checkStackSegment(newSs, rpl, CpuFault.GP, 0);
        checkCodeLimit(offset, descLimit(csLo, csHi));
        markAccessed();
        int ssLo = descLo;
        int ssHi = descHi;
        descLo = csLo;
        descHi = csHi;
        descAddr = csAddr;
        loadCodeSegment(sel, rpl);
        eip = offset;
        setSegment(SS, newSs, descBase(ssLo, ssHi), descLimit(ssLo, ssHi), descAttr(ssHi));
        commitStackPointer(o32 ? newSp + release : (newSp & 0xFFFF) + release);
        nullifyInaccessibleSegments();
    }

    // ---- IRET ----

    final void interruptReturn(boolean o32) {
        int size = o32 ? 4 : 2;
        int sp = r32(ESP);
        if (!protectedMode && !v86) {
            int offset = peek(sp, 0, o32);
            int sel = peek(sp, size, o32) & 0xFFFF;
            int flags = peek(sp, 2 * size, o32);
            if (!o32) {
                offset &= 0xFFFF;
            }
            checkCodeLimit(offset, segLimit[CS]);
            loadSegmentRealOrV86(CS, sel);
            eip = offset;
            commitStackPointer(sp + 3 * size);
            int mask = ARITH_FLAGS | TF | IF | DF | IOPL | NT | (o32 ? AC | ID : 0);
            writeFlags(flags, mask);
            return;
        }
        if (v86) {
            if (iopl() < 3) {
                throw fault(CpuFault.GP, 0);
            }
            int offset = peek(sp, 0, o32);
            int sel = peek(sp, size, o32) & 0xFFFF;
            int flags = peek(sp, 2 * size, o32);
            if (!o32) {
                offset &= 0xFFFF;
            }
            checkCodeLimit(offset, segLimit[CS]);
            loadSegmentRealOrV86(CS, sel);
            eip = offset;
            commitStackPointer(sp + 3 * size);
            writeFlags(flags, (ARITH_FLAGS | TF | IF | DF | NT | (o32 ? AC | ID : 0)) & (o32 ? -1 : 0xFFFF));
            return;
        }
        if ((eflags & NT) != 0) {
            int link = readSys16(trBase) & 0xFFFF;
            if ((link & 4) != 0 || !fetchDescriptor(link)) {
                throw fault(CpuFault.TS, link & 0xFFFC);
            }
            int attr = descAttr(descHi);
            int type = attrType(attr);
            if (!attrSystem(attr) || (type != TSS16_BUSY && type != TSS32_BUSY)) {
                throw fault(CpuFault.TS, link & 0xFFFC);
            }
            if (!attrPresent(attr)) {
                throw fault(CpuFault.NP, link & 0xFFFC);
            }
            taskSwitch(link, descLo, descHi, descAddr, SWITCH_IRET, false, 0);
            return;
        }
        int offset = peek(sp, 0, o32);
        int sel = peek(sp, size, o32) & 0xFFFF;
        int flags = peek(sp, 2 * size, o32);
        if (o32 && (flags & VM) != 0 && cpl == 0) {
            returnToV86(sp, offset, sel, flags);
            return;
        }
        int rpl = sel & 3;
        if ((sel & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        if (rpl < cpl || !attrCode(attr)
                || (attrConforming(attr) ? attrDpl(attr) > rpl : attrDpl(attr) != rpl)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, sel & 0xFFFC);
        }
        if (!o32) {
            offset &= 0xFFFF;
        }
        int oldCpl = cpl;
        int mask = popfMask(o32) | RF;
        if (!o32) {
            mask &= 0xFFFF;
        }
        if (rpl == cpl) {
            checkCodeLimit(offset, descLimit(descLo, descHi));
            loadCodeSegment(sel, cpl);
            eip = offset;
            commitStackPointer(sp + 3 * size);
            writeFlags(flags, mask);
            return;
        }
        int csLo = descLo;
        int csHi = descHi;
        int csAddr = descAddr;
        int newSp = peek(sp, 3 * size, o32);
        int newSs = peek(sp, 4 * size, o32) & 0xFFFF;
        checkStackSegment(newSs, rpl, CpuFault.GP, 0);
        checkCodeLimit(offset, descLimit(csLo, csHi));
        markAccessed();
        int ssLo = descLo;
        int ssHi = descHi;
        descLo = csLo;
        descHi = csHi;
        descAddr = csAddr;
        // Flags are computed with the old CPL's rights (IOPL/IF), then the level changes.
        int finalFlags = (getEflags() & ~mask) | (flags & mask);
        loadCodeSegment(sel, rpl);
        eip = offset;
        setSegment(SS, newSs, descBase(ssLo, ssHi), descLimit(ssLo, ssHi), descAttr(ssHi));
        commitStackPointer(o32 ? newSp : newSp & 0xFFFF);
        writeFlags(finalFlags, -1);
        if (oldCpl != cpl) {
            nullifyInaccessibleSegments();
        }
    }

    private void returnToV86(int sp, int offset, int sel, int flags) {
        int newEsp = peek(sp, 12, true);
        int newSs = peek(sp, 16, true) & 0xFFFF;
        int es = peek(sp, 20, true) & 0xFFFF;
        int ds = peek(sp, 24, true) & 0xFFFF;
        int fs = peek(sp, 28, true) & 0xFFFF;
        int gs = peek(sp, 32, true) & 0xFFFF;
        setEflagsRaw(flags | VM);
        updateMode();
        loadSegmentRealOrV86(CS, sel);
        loadSegmentRealOrV86(SS, newSs);
        loadSegmentRealOrV86(ES, es);
        loadSegmentRealOrV86(DS, ds);
        loadSegmentRealOrV86(FS, fs);
        loadSegmentRealOrV86(GS, gs);
        w32(ESP, newEsp);
        eip = offset & 0xFFFF;
    }

    // ---- interrupts and exceptions ----

    /**
     * Delivers vector {@code vector}; EIP must already hold the return address (the faulting instruction for
     * faults, the next one for traps and INT n).
     */
    final void interrupt(int vector, int kind, boolean hasError, int error) {
        if ((cr0 & CR0_PE) == 0) {
            realModeInterrupt(vector);
        } else {
            protectedModeInterrupt(vector, kind, hasError, error);
        }
    }

    private void realModeInterrupt(int vector) {
        int entry = vector << 2;
        if (entry + 3 > (idtrLimit & 0xFFFF)) {
            throw fault(CpuFault.GP, entry | 2);
        }
        int offset = readSys16(idtrBase + entry);
        int sel = readSys16(idtrBase + entry + 2);
        int sp = r32(ESP);
        sp = pushAt(sp, getEflags(), false);
        sp = pushAt(sp, segSel[CS], false);
        sp = pushAt(sp, eip, false);
        commitStackPointer(sp);
        eflags &= ~(IF | TF | AC | RF);
        updateAccessView();
        loadSegmentRealOrV86(CS, sel);
        eip = offset;
    }

    private void protectedModeInterrupt(int vector, int kind, boolean hasError, int error) {
        int ext = kind == INT_EXTERNAL || kind == INT_EXCEPTION || kind == INT_ICEBP ? 1 : 0;
        int entry = vector << 3;
        if (entry + 7 > (idtrLimit & 0xFFFF)) {
            throw fault(CpuFault.GP, entry | 2 | ext);
        }
        int lo = readSys32(idtrBase + entry);
        int hi = readSys32(idtrBase + entry + 4);
        int attr = descAttr(hi);
        int type = attrType(attr);
        boolean gateType = type == TASK_GATE || type == INT_GATE16 || type == TRAP_GATE16 || type == INT_GATE32
                || type == TRAP_GATE32;
        if (!attrSystem(attr) || !gateType) {
            throw fault(CpuFault.GP, entry | 2 | ext);
        }
        if (kind == INT_SOFTWARE && attrDpl(attr) < cpl) {
            throw fault(CpuFault.GP, entry | 2);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, entry | 2 | ext);
        }
        if (type == TASK_GATE) {
            int tss = lo >>> 16;
            if ((tss & 4) != 0 || !fetchDescriptor(tss)) {
                throw fault(CpuFault.TS, (tss & 0xFFFC) | ext);
            }
            int tAttr = descAttr(descHi);
            int tType = attrType(tAttr);
            if (!attrSystem(tAttr) || (tType != TSS16_AVAILABLE && tType != TSS32_AVAILABLE)) {
                throw fault(CpuFault.TS, (tss & 0xFFFC) | ext);
            }
            if (!attrPresent(tAttr)) {
                throw fault(CpuFault.NP, (tss & 0xFFFC) | ext);
            }
            taskSwitch(tss, descLo, descHi, descAddr, SWITCH_INT, hasError, error);
            return;
        }
        boolean gate32 = type == INT_GATE32 || type == TRAP_GATE32;
        boolean interruptGate = type == INT_GATE16 || type == INT_GATE32;
        int sel = lo >>> 16;
        int offset = gate32 ? (lo & 0xFFFF) | (hi & 0xFFFF0000) : lo & 0xFFFF;
        if ((sel & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, ext);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, (sel & 0xFFFC) | ext);
        }
        int cAttr = descAttr(descHi);
        if (!attrCode(cAttr) || attrDpl(cAttr) > cpl) {
            throw fault(CpuFault.GP, (sel & 0xFFFC) | ext);
        }
        if (!attrPresent(cAttr)) {
            throw fault(CpuFault.NP, (sel & 0xFFFC) | ext);
        }
        int csLo = descLo;
        int csHi = descHi;
        int csAddr = descAddr;
        int dpl = attrDpl(cAttr);
        int oldFlags = getEflags();
        checkCodeLimit(offset, descLimit(csLo, csHi));
        if (!attrConforming(cAttr) && dpl < cpl) {
            if (v86 && dpl != 0) {
                throw fault(CpuFault.GP, (sel & 0xFFFC) | ext);
            }
            readTssStack(dpl, ext);
            int newSs = tssSs;
            checkStackSegment(newSs, dpl, CpuFault.TS, ext);
            int ssBase = descBase(descLo, descHi);
            int ssLimit = descLimit(descLo, descHi);
            int ssAttr = descAttr(descHi);
            int ssAddr = descAddr;
            int ssHi = descHi;
            int sp = tssSp;
            int ssSel = newSs | ext;
            if (v86) {
                sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, segSel[GS], gate32, ssSel);
                sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, segSel[FS], gate32, ssSel);
                sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, segSel[DS], gate32, ssSel);
                sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, segSel[ES], gate32, ssSel);
            }
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, segSel[SS], gate32, ssSel);
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, r32(ESP), gate32, ssSel);
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, oldFlags, gate32, ssSel);
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, segSel[CS], gate32, ssSel);
            sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, eip, gate32, ssSel);
            if (hasError) {
                sp = pushNewStack(ssBase, ssLimit, ssAttr, sp, error, gate32, ssSel);
            }
            if ((ssHi & (1 << 8)) == 0) {
                writeSys8(ssAddr + 5, (ssHi >>> 8) | 1);
                ssAttr |= 1;
            }
            boolean fromV86 = v86;
            eflags &= ~(TF | NT | RF | VM | (interruptGate ? IF : 0));
            if (fromV86) {
                updateMode();
                for (int s : DATA_SEGMENTS) {
                    setSegment(s, 0, 0, 0, SegmentState.UNUSABLE);
                }
            }
            setSegment(SS, newSs, ssBase, ssLimit, ssAttr);
            commitStackPointer(sp);
            descLo = csLo;
            descHi = csHi;
            descAddr = csAddr;
            loadCodeSegment(sel, dpl);
            eip = offset;
            return;
        }
        if (v86) {
            throw fault(CpuFault.GP, (sel & 0xFFFC) | ext);
        }
        int sp = r32(ESP);
        sp = pushAt(sp, oldFlags, gate32);
        sp = pushAt(sp, segSel[CS], gate32);
        sp = pushAt(sp, eip, gate32);
        if (hasError) {
            sp = pushAt(sp, error, gate32);
        }
        commitStackPointer(sp);
        eflags &= ~(TF | NT | RF | VM | (interruptGate ? IF : 0));
        descLo = csLo;
        descHi = csHi;
        descAddr = csAddr;
        loadCodeSegment(sel, cpl);
        eip = offset;
    }

    // ---- task switch ----

    /**
     * Switches to the task whose TSS descriptor (already type- and presence-checked by the caller) is given. EIP holds
     * the address the old task resumes at.
     */
    final void taskSwitch(int sel, int lo, int hi, int addr, int source, boolean hasError, int error) {
        int attr = descAttr(hi);
        int type = attrType(attr);
        boolean new32 = type == TSS32_AVAILABLE || type == TSS32_BUSY;
        int newBase = descBase(lo, hi);
        int newLimit = descLimit(lo, hi);
        if ((newLimit & 0xFFFFFFFFL) < (new32 ? 0x67 : 0x2B)) {
            throw fault(CpuFault.TS, sel & 0xFFFC);
        }
        // Read the whole new state first: nothing may change if a read faults.
        int[] g = taskRegs;
        int newCr3 = 0;
        int newEip;
        int newFlags;
        int[] sels = taskSels;
        int newLdt;
        if (new32) {
            newCr3 = readSys32(newBase + 0x1C);
            newEip = readSys32(newBase + 0x20);
            newFlags = readSys32(newBase + 0x24);
            for (int r = 0; r < 8; r++) {
                g[r] = readSys32(newBase + 0x28 + 4 * r);
            }
            for (int s = 0; s < 6; s++) {
                sels[s] = readSys16(newBase + 0x48 + 4 * s) & 0xFFFF;
            }
            newLdt = readSys16(newBase + 0x60) & 0xFFFF;
        } else {
            newEip = readSys16(newBase + 0x0E) & 0xFFFF;
            newFlags = readSys16(newBase + 0x10) & 0xFFFF;
            for (int r = 0; r < 8; r++) {
                g[r] = readSys16(newBase + 0x12 + 2 * r) & 0xFFFF;
            }
            for (int s = 0; s < 4; s++) {
                sels[s] = readSys16(newBase + 0x22 + 2 * s) & 0xFFFF;
            }
            sels[FS] = 0;
            sels[GS] = 0;
            newLdt = readSys16(newBase + 0x2A) & 0xFFFF;
        }
        // Save the old task.
        int oldType = attrType(trAttr);
        boolean old32 = oldType == TSS32_BUSY || oldType == TSS32_AVAILABLE;
        int oldFlags = getEflags();
        if (source == SWITCH_IRET) {
            oldFlags &= ~NT;
        }
        if (old32) {
            writeSys32(trBase + 0x20, eip);
            writeSys32(trBase + 0x24, oldFlags);
            for (int r = 0; r < 8; r++) {
                writeSys32(trBase + 0x28 + 4 * r, r32(r));
            }
            for (int s = 0; s < 6; s++) {
                writeSys16(trBase + 0x48 + 4 * s, segSel[s]);
            }
        } else {
            writeSys16(trBase + 0x0E, eip);
            writeSys16(trBase + 0x10, oldFlags);
            for (int r = 0; r < 8; r++) {
                writeSys16(trBase + 0x12 + 2 * r, r32(r));
            }
            for (int s = 0; s < 4; s++) {
                writeSys16(trBase + 0x22 + 2 * s, segSel[s]);
            }
        }
        if (source == SWITCH_JMP || source == SWITCH_IRET) {
            if (fetchDescriptor(trSel)) {
                writeSys32(descAddr + 4, descHi & ~(2 << 8));
            }
        }
        if (source == SWITCH_CALL || source == SWITCH_INT) {
            writeSys16(newBase, trSel);
            newFlags |= NT;
        }
        if (source != SWITCH_IRET) {
            hi |= 2 << 8;
            writeSys32(addr + 4, hi);
        }
        trSel = sel & 0xFFFF;
        trBase = newBase;
        trLimit = newLimit;
        trAttr = descAttr(hi);
        cr0 |= CR0_TS;
        // Load the new task: registers first, then segments (faults now belong to the new task).
        if (new32 && (cr0 & CR0_PG) != 0) {
            cr3 = newCr3;
            flushTlb();
        }
        eip = newEip;
        setEflagsRaw(newFlags | 2);
        for (int r = 0; r < 8; r++) {
            w32(r, g[r]);
        }
        if (!new32) {
            for (int r = 0; r < 8; r++) {
                regs[r] = g[r] & 0xFFFFL;
            }
        }
        ldtrSel = newLdt;
        ldtrAttr = SegmentState.UNUSABLE;
        for (int s = 0; s < 6; s++) {
            segSel[s] = sels[s];
        }
        updateMode();
        if (v86) {
            for (int s = 0; s < 6; s++) {
                loadSegmentRealOrV86(s, sels[s]);
            }
        } else {
            loadTaskSegments(sels, newLdt);
        }
        if (hasError) {
            push(error, new32);
        }
    }

    private final int[] taskRegs = new int[8];
    private final int[] taskSels = new int[6];

    private void loadTaskSegments(int[] sels, int ldt) {
        if ((ldt & 0xFFFC) != 0) {
            if ((ldt & 4) != 0 || !fetchDescriptor(ldt)) {
                throw fault(CpuFault.TS, ldt & 0xFFFC);
            }
            int a = descAttr(descHi);
            if (!attrSystem(a) || attrType(a) != LDT) {
                throw fault(CpuFault.TS, ldt & 0xFFFC);
            }
            if (!attrPresent(a)) {
                throw fault(CpuFault.TS, ldt & 0xFFFC);
            }
            ldtrBase = descBase(descLo, descHi);
            ldtrLimit = descLimit(descLo, descHi);
            ldtrAttr = a;
        }
        int csSel = sels[CS];
        int newCpl = csSel & 3;
        if ((csSel & 0xFFFC) == 0 || !fetchDescriptor(csSel)) {
            throw fault(CpuFault.TS, csSel & 0xFFFC);
        }
        int ca = descAttr(descHi);
        if (!attrCode(ca) || (attrConforming(ca) ? attrDpl(ca) > newCpl : attrDpl(ca) != newCpl)) {
            throw fault(CpuFault.TS, csSel & 0xFFFC);
        }
        if (!attrPresent(ca)) {
            throw fault(CpuFault.NP, csSel & 0xFFFC);
        }
        loadCodeSegment(csSel, newCpl);
        segSel[CS] = csSel;
        loadStackSegment(sels[SS], newCpl, CpuFault.TS);
        for (int s : DATA_SEGMENTS) {
            int sel = sels[s];
            if ((sel & 0xFFFC) == 0) {
                setSegment(s, sel, 0, 0, SegmentState.UNUSABLE);
                continue;
            }
            if (!fetchDescriptor(sel)) {
                throw fault(CpuFault.TS, sel & 0xFFFC);
            }
            int a = descAttr(descHi);
            boolean data = !attrSystem(a) && !attrCode(a);
            if (!(data || attrReadableCode(a))
                    || ((data || !attrConforming(a)) && attrDpl(a) < Math.max(cpl, sel & 3))) {
                throw fault(CpuFault.TS, sel & 0xFFFC);
            }
            if (!attrPresent(a)) {
                throw fault(CpuFault.NP, sel & 0xFFFC);
            }
            markAccessed();
            setSegment(s, sel, descBase(descLo, descHi), descLimit(descLo, descHi), a);
        }
    }
}
