package org.quasivm.exec.cpu;

import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.exec.state.SegmentState;

/**
 * Descriptor tables and segment register loads in real, virtual-8086 and protected mode (Intel SDM vol. 3, ch. 3 and
 * 5), and the stack primitives the control-transfer code builds on.
 *
 * <p>A fetched descriptor is kept in {@link #descLo}/{@link #descHi} (no allocation); the static helpers decode it.
 */
abstract class CpuSegments extends CpuMemory {
    static final int ATTR_MASK = 0xF0FF;
    /** Descriptor types (system descriptors, S = 0). */
    static final int TSS16_AVAILABLE = 1, LDT = 2, TSS16_BUSY = 3, CALL_GATE16 = 4, TASK_GATE = 5, INT_GATE16 = 6,
            TRAP_GATE16 = 7, TSS32_AVAILABLE = 9, TSS32_BUSY = 11, CALL_GATE32 = 12, INT_GATE32 = 14,
            TRAP_GATE32 = 15;

    static final int[] DATA_SEGMENTS = {ES, DS, FS, GS};

    int descLo;
    int descHi;
    /** Linear address of the descriptor last fetched (for setting accessed/busy bits). */
    int descAddr;

    CpuSegments(PhysicalMemory memory) {
        super(memory);
    }

    // ---- descriptor fields ----

    static int descBase(int lo, int hi) {
        return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
    }

    static int descLimit(int lo, int hi) {
        int limit = (lo & 0xFFFF) | (hi & 0xF0000);
        return (hi & (1 << 23)) != 0 ? (limit << 12) | 0xFFF : limit;
    }

    /** Access rights in SegmentState layout: type, S, DPL, P, then AVL, L, D/B, G in bits 12-15. */
    static int descAttr(int hi) {
        return (hi >>> 8) & ATTR_MASK;
    }

    static int attrType(int attr) {
        return attr & 0xF;
    }

    static int attrDpl(int attr) {
        return (attr >>> 5) & 3;
    }

    static boolean attrPresent(int attr) {
        return (attr & SegmentState.P) != 0;
    }

    static boolean attrSystem(int attr) {
        return (attr & SegmentState.S) == 0;
    }

    static boolean attrCode(int attr) {
        return (attr & SegmentState.S) != 0 && (attr & 8) != 0;
    }

    static boolean attrConforming(int attr) {
        return attrCode(attr) && (attr & 4) != 0;
    }

    static boolean attrReadableCode(int attr) {
        return attrCode(attr) && (attr & 2) != 0;
    }

    static boolean attrWritableData(int attr) {
        return (attr & SegmentState.S) != 0 && (attr & 8) == 0 && (attr & 2) != 0;
    }

    /**
     * Fetches the descriptor for {@code sel} into {@link #descLo}/{@link #descHi}. Returns false when the selector
     * lies outside its table (the caller raises the fault its instruction specifies).
     */
    final boolean fetchDescriptor(int sel) {
        int index = sel & 0xFFF8;
        int base;
        int limit;
        if ((sel & 4) != 0) {
            if ((ldtrAttr & SegmentState.UNUSABLE) != 0 || (ldtrSel & 0xFFFC) == 0) {
                return false;
            }
            base = ldtrBase;
            limit = ldtrLimit;
        } else {
            base = gdtrBase;
            limit = gdtrLimit;
        }
        if ((index | 7) > (limit & 0xFFFFFFFFL)) {
            return false;
        }
        descAddr = base + index;
        descLo = readSys32(descAddr);
        descHi = readSys32(descAddr + 4);
        return true;
    }

    /** Sets the accessed bit of the last fetched code/data descriptor if it is clear. */
    final void markAccessed() {
        if ((descHi & (1 << 8)) == 0) {
            descHi |= 1 << 8;
            writeSys8(descAddr + 5, descHi >>> 8);
        }
    }

    // ---- loading segment registers ----

    /** Loads the hidden cache directly. */
    final void setSegment(int s, int sel, int base, int limit, int attr) {
        segSel[s] = sel & 0xFFFF;
        segBase[s] = base;
        segLimit[s] = limit;
        segAttr[s] = attr;
        updateSegmentChecks(s);
        if (s == CS) {
            code32 = protectedMode && (attr & SegmentState.DB) != 0;
            fetchEpoch++;
        } else if (s == SS) {
            stack32 = (attr & SegmentState.DB) != 0;
        }
    }

    /**
     * Real mode: only selector and base change, so limits and attributes left by protected mode survive ("unreal" or
     * "big real" mode). Virtual-8086 mode: the whole cache is reset to a 64 KiB DPL-3 segment.
     */
    final void loadSegmentRealOrV86(int s, int sel) {
        sel &= 0xFFFF;
        if (v86) {
            int attr = SegmentState.P | SegmentState.S | (3 << SegmentState.DPL_SHIFT) | (s == CS ? 0xB : 0x3);
            setSegment(s, sel, sel << 4, 0xFFFF, attr);
        } else {
            segSel[s] = sel;
            segBase[s] = sel << 4;
            if (s == CS) {
                code32 = false;
                fetchEpoch++;
            }
            updateSegmentChecks(s);
        }
    }

    /** MOV/POP/LxS to a data segment register or SS, with the checks of the current mode. */
    final void loadSegment(int s, int sel) {
        if (!protectedMode) {
            loadSegmentRealOrV86(s, sel);
            return;
        }
        sel &= 0xFFFF;
        if (s == SS) {
            loadStackSegment(sel, cpl, CpuFault.GP);
            return;
        }
        if ((sel & 0xFFFC) == 0) {
            setSegment(s, sel, 0, 0, SegmentState.UNUSABLE);
            return;
        }
        if (!fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        boolean data = !attrSystem(attr) && !attrCode(attr);
        if (!(data || attrReadableCode(attr))) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if ((data || !attrConforming(attr)) && attrDpl(attr) < Math.max(cpl, sel & 3)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, sel & 0xFFFC);
        }
        markAccessed();
        setSegment(s, sel, descBase(descLo, descHi), descLimit(descLo, descHi), descAttr(descHi));
    }

    /** Loads SS for privilege level {@code rpl} (= the new CPL); failures raise {@code vector} (#GP or #TS). */
    final void loadStackSegment(int sel, int rpl, int vector) {
        if ((sel & 0xFFFC) == 0) {
            throw fault(vector, 0);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(vector, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        if ((sel & 3) != rpl || !attrWritableData(attr) || attrDpl(attr) != rpl) {
            throw fault(vector, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(vector == CpuFault.TS ? CpuFault.TS : CpuFault.SS, sel & 0xFFFC);
        }
        markAccessed();
        setSegment(SS, sel, descBase(descLo, descHi), descLimit(descLo, descHi), descAttr(descHi));
    }

    /** Checks an SS selector for a privilege change without loading it; leaves the descriptor in descLo/descHi. */
    final void checkStackSegment(int sel, int rpl, int vector, int extBit) {
        if ((sel & 0xFFFC) == 0) {
            throw fault(vector, extBit);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(vector, (sel & 0xFFFC) | extBit);
        }
        int attr = descAttr(descHi);
        if ((sel & 3) != rpl || !attrWritableData(attr) || attrDpl(attr) != rpl) {
            throw fault(vector, (sel & 0xFFFC) | extBit);
        }
        if (!attrPresent(attr)) {
            throw fault(vector == CpuFault.TS ? CpuFault.TS : CpuFault.SS, (sel & 0xFFFC) | extBit);
        }
    }

    /** After a return to an outer level: data segments the new CPL may not use become null (SDM RET/IRET). */
    final void nullifyInaccessibleSegments() {
        for (int s : DATA_SEGMENTS) {
            int a = segAttr[s];
            if ((a & SegmentState.UNUSABLE) != 0) {
                continue;
            }
            boolean dataOrNonConforming = !attrCode(a) || !attrConforming(a);
            if (dataOrNonConforming && attrDpl(a) < cpl) {
                setSegment(s, 0, 0, 0, SegmentState.UNUSABLE);
            }
        }
    }

    // ---- stack ----

    final int stackPointer() {
        return stack32 ? r32(ESP) : r16(ESP);
    }

    /** Writes ESP (or SP, keeping the upper half) after the stack operations of an instruction completed. */
    final void commitStackPointer(int sp) {
        if (stack32) {
            w32(ESP, sp);
        } else {
            w16(ESP, sp);
        }
    }

    final int stackOffset(int sp) {
        return stack32 ? sp : sp & 0xFFFF;
    }

    /** Pushes at {@code sp} and returns the new stack pointer; ESP itself is committed by the caller. */
    final int pushAt(int sp, int v, boolean o32) {
        if (o32) {
            sp -= 4;
            wr32(SS, stackOffset(sp), v);
        } else {
            sp -= 2;
            wr16(SS, stackOffset(sp), v);
        }
        return sp;
    }

    final void push(int v, boolean o32) {
        commitStackPointer(pushAt(r32(ESP), v, o32));
    }

    final int pop(boolean o32) {
        int sp = r32(ESP);
        int v = o32 ? rd32(SS, stackOffset(sp)) : rd16(SS, stackOffset(sp));
        commitStackPointer(sp + (o32 ? 4 : 2));
        return v;
    }

    /** Reads the stack at {@code sp + delta} without popping. */
    final int peek(int sp, int delta, boolean o32) {
        int off = stackOffset(sp + delta);
        return o32 ? rd32(SS, off) : rd16(SS, off);
    }

    // ---- system registers ----

    final void loadLdt(int sel) {
        if ((sel & 0xFFFC) == 0) {
            ldtrSel = sel & 0xFFFF;
            ldtrBase = 0;
            ldtrLimit = 0;
            ldtrAttr = SegmentState.UNUSABLE;
            return;
        }
        if ((sel & 4) != 0) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        if (!attrSystem(attr) || attrType(attr) != LDT) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, sel & 0xFFFC);
        }
        ldtrSel = sel & 0xFFFF;
        ldtrBase = descBase(descLo, descHi);
        ldtrLimit = descLimit(descLo, descHi);
        ldtrAttr = attr;
    }

    final void loadTaskRegister(int sel) {
        if ((sel & 0xFFFC) == 0) {
            throw fault(CpuFault.GP, 0);
        }
        if ((sel & 4) != 0 || !fetchDescriptor(sel)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        int attr = descAttr(descHi);
        int type = attrType(attr);
        if (!attrSystem(attr) || (type != TSS16_AVAILABLE && type != TSS32_AVAILABLE)) {
            throw fault(CpuFault.GP, sel & 0xFFFC);
        }
        if (!attrPresent(attr)) {
            throw fault(CpuFault.NP, sel & 0xFFFC);
        }
        descHi |= 2 << 8;
        writeSys32(descAddr + 4, descHi);
        trSel = sel & 0xFFFF;
        trBase = descBase(descLo, descHi);
        trLimit = descLimit(descLo, descHi);
        trAttr = descAttr(descHi);
    }
}
