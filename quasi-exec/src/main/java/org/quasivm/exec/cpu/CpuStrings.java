package org.quasivm.exec.cpu;

import org.quasivm.exec.Platform;
import org.quasivm.exec.decode.Insn;

/**
 * String instructions with REP/REPE/REPNE. Each iteration commits its registers, so a fault in iteration k leaves
 * ESI/EDI/ECX as after iteration k-1 and EIP at the instruction: restarting it continues where it stopped. A long
 * REP is also cut into chunks (budget, pending events): the instruction then simply runs again.
 */
abstract class CpuStrings extends CpuArithmetic {
    /** Iterations one execution of a REP instruction may run before yielding to the run loop. */
    static final int REP_CHUNK = 4096;

    /** Instructions retired since reset (a REP iteration counts as one). */
    long retired;
    /** Retirement count at which the current {@code run} must stop. */
    long retireLimit;

    CpuStrings(Platform platform, CpuFeatures features) {
        super(platform, features);
    }

    private int step(int size) {
        return (eflags & DF) != 0 ? -size : size;
    }

    /** ECX or CX, per address size. */
    private int count(boolean a32) {
        return a32 ? r32(ECX) : r16(ECX);
    }

    private void setCount(boolean a32, int v) {
        if (a32) {
            w32(ECX, v);
        } else {
            w16(ECX, v);
        }
    }

    private int index(int r, boolean a32) {
        return a32 ? r32(r) : r16(r);
    }

    private void advance(int r, boolean a32, int delta) {
        if (a32) {
            w32(r, r32(r) + delta);
        } else {
            w16(r, r16(r) + delta);
        }
    }

    /** How many iterations this execution may run: the rest of the budget, at most a chunk. */
    private int iterationAllowance() {
        long left = retireLimit - retired;
        return (int) Math.max(1, Math.min(left, REP_CHUNK));
    }

    /** Leaves the instruction to be restarted (more iterations to go). */
    private void yieldRepeat() {
        eip = instrStart;
        stopBlock = true;
    }

    private int readSized(int s, int off, int size) {
        return switch (size) {
            case 1 -> rd8(s, off);
            case 2 -> rd16(s, off);
            default -> rd32(s, off);
        };
    }

    private void writeSized(int s, int off, int size, int v) {
        switch (size) {
            case 1 -> wr8(s, off, v);
            case 2 -> wr16(s, off, v);
            default -> wr32(s, off, v);
        }
    }

    static int operandBytes(int w0, boolean byteOp) {
        return byteOp ? 1 : (w0 & Insn.O32) != 0 ? 4 : 2;
    }

    final void movs(int w0, int size) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int src = Insn.seg(w0);
        int d = step(size);
        if (Insn.rep(w0) == Insn.REP_NONE) {
            writeSized(ES, index(EDI, a32), size, readSized(src, index(ESI, a32), size));
            advance(ESI, a32, d);
            advance(EDI, a32, d);
            return;
        }
        int n = iterationAllowance();
        int done = 0;
        while (done < n) {
            int c = count(a32);
            if (c == 0) {
                break;
            }
            int k = d > 0 ? bulkMovs(src, a32, size, Math.min(c, n - done)) : 0;
            if (k == 0) {
                writeSized(ES, index(EDI, a32), size, readSized(src, index(ESI, a32), size));
                advance(ESI, a32, d);
                advance(EDI, a32, d);
                setCount(a32, c - 1);
                k = 1;
            }
            done += k;
        }
        finishRepeat(a32, done);
    }

    /** Accounts {@code done} iterations; if the count is not exhausted the instruction restarts later. */
    private void finishRepeat(boolean a32, int done) {
        retired += Math.max(done - 1, 0);
        if (count(a32) != 0) {
            yieldRepeat();
        }
    }

    /** How many whole elements forward from {@code off} stay within the page and (16-bit) the 64 KiB offset space. */
    private static int roomFrom(int la, int off, boolean a32, int size) {
        int room = (4096 - (la & 0xFFF)) / size;
        return a32 ? room : Math.min(room, (0x10000 - (off & 0xFFFF)) / size);
    }

    /**
     * Forward REP MOVS within one source page and one destination page, straight between host buffers. Returns the
     * iterations done, 0 when the fast path does not apply (the caller then does one element the normal way):
     * TLB miss, MMIO, code page, segment limit, or a forward overlap whose element-by-element result differs from a
     * block copy.
     */
    private int bulkMovs(int srcSeg, boolean a32, int size, int max) {
        int si = index(ESI, a32);
        int di = index(EDI, a32);
        int sLa = segBase[srcSeg] + si;
        int dLa = segBase[ES] + di;
        int k = Math.min(max, Math.min(roomFrom(sLa, si, a32, size), roomFrom(dLa, di, a32, size)));
        if (k <= 1) {
            return 0;
        }
        int bytes = k * size;
        if ((si & 0xFFFFFFFFL) + bytes - 1 > segReadMax[srcSeg] || (di & 0xFFFFFFFFL) + bytes - 1 > segWriteMax[ES]) {
            return 0;
        }
        int i = (sLa >>> 12) & org.quasivm.exec.mmu.Tlb.MASK;
        int j = (dLa >>> 12) & org.quasivm.exec.mmu.Tlb.MASK;
        if (rdTag[i] != (sLa & PAGE_MASK) || wrTag[j] != (dLa & PAGE_MASK)) {
            return 0;
        }
        java.nio.ByteBuffer sb = tlbBuf[i];
        java.nio.ByteBuffer db = tlbBuf[j];
        int so = tlbOff[i] + (sLa & 0xFFF);
        int dOff = tlbOff[j] + (dLa & 0xFFF);
        if (sb == db && dOff > so && dOff < so + bytes) {
            return 0;
        }
        db.put(dOff, sb, so, bytes);
        advance(ESI, a32, bytes);
        advance(EDI, a32, bytes);
        setCount(a32, count(a32) - k);
        return k;
    }

    /** Forward REP STOS within one destination page, straight into the host buffer (see {@link #bulkMovs}). */
    private int bulkStos(boolean a32, int size, int max, int v) {
        int di = index(EDI, a32);
        int dLa = segBase[ES] + di;
        int k = Math.min(max, roomFrom(dLa, di, a32, size));
        if (k <= 1) {
            return 0;
        }
        int bytes = k * size;
        if ((di & 0xFFFFFFFFL) + bytes - 1 > segWriteMax[ES]) {
            return 0;
        }
        int j = (dLa >>> 12) & org.quasivm.exec.mmu.Tlb.MASK;
        if (wrTag[j] != (dLa & PAGE_MASK)) {
            return 0;
        }
        java.nio.ByteBuffer db = tlbBuf[j];
        int o = tlbOff[j] + (dLa & 0xFFF);
        switch (size) {
            case 1 -> {
                for (int x = 0; x < bytes; x++) {
                    db.put(o + x, (byte) v);
                }
            }
            case 2 -> {
                for (int x = 0; x < bytes; x += 2) {
                    db.putShort(o + x, (short) v);
                }
            }
            default -> {
                for (int x = 0; x < bytes; x += 4) {
                    db.putInt(o + x, v);
                }
            }
        }
        advance(EDI, a32, bytes);
        setCount(a32, count(a32) - k);
        return k;
    }

    final void stos(int w0, int size) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int d = step(size);
        int v = (int) regs[EAX];
        if (Insn.rep(w0) == Insn.REP_NONE) {
            writeSized(ES, index(EDI, a32), size, v);
            advance(EDI, a32, d);
            return;
        }
        int n = iterationAllowance();
        int done = 0;
        while (done < n) {
            int c = count(a32);
            if (c == 0) {
                break;
            }
            int k = d > 0 ? bulkStos(a32, size, Math.min(c, n - done), v) : 0;
            if (k == 0) {
                writeSized(ES, index(EDI, a32), size, v);
                advance(EDI, a32, d);
                setCount(a32, c - 1);
                k = 1;
            }
            done += k;
        }
        finishRepeat(a32, done);
    }

    final void lods(int w0, int size) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int src = Insn.seg(w0);
        int d = step(size);
        if (Insn.rep(w0) == Insn.REP_NONE) {
            storeAccumulator(size, readSized(src, index(ESI, a32), size));
            advance(ESI, a32, d);
            return;
        }
        int n = iterationAllowance();
        for (int k = 0; k < n; k++) {
            int c = count(a32);
            if (c == 0) {
                retired += k == 0 ? 0 : k - 1;
                return;
            }
            storeAccumulator(size, readSized(src, index(ESI, a32), size));
            advance(ESI, a32, d);
            setCount(a32, c - 1);
        }
        finishChunk(a32, n);
    }

    private void storeAccumulator(int size, int v) {
        switch (size) {
            case 1 -> w8(EAX, v);
            case 2 -> w16(EAX, v);
            default -> w32(EAX, v);
        }
    }

    private int accumulator(int size) {
        return switch (size) {
            case 1 -> r8(EAX);
            case 2 -> r16(EAX);
            default -> r32(EAX);
        };
    }

    private static int shiftOf(int size) {
        return 32 - 8 * size;
    }

    final void cmps(int w0, int size) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int src = Insn.seg(w0);
        int d = step(size);
        int shift = shiftOf(size);
        int rep = Insn.rep(w0);
        if (rep == Insn.REP_NONE) {
            int a = readSized(src, index(ESI, a32), size);
            int b = readSized(ES, index(EDI, a32), size);
            flagsSub(a, b, a - b, shift);
            advance(ESI, a32, d);
            advance(EDI, a32, d);
            return;
        }
        int n = iterationAllowance();
        for (int k = 0; k < n; k++) {
            int c = count(a32);
            if (c == 0) {
                retired += k == 0 ? 0 : k - 1;
                return;
            }
            int a = readSized(src, index(ESI, a32), size);
            int b = readSized(ES, index(EDI, a32), size);
            flagsSub(a, b, a - b, shift);
            advance(ESI, a32, d);
            advance(EDI, a32, d);
            setCount(a32, c - 1);
            if ((flagRes == 0) != (rep == Insn.REP_E)) {
                retired += k;
                return;
            }
        }
        finishChunk(a32, n);
    }

    final void scas(int w0, int size) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int d = step(size);
        int shift = shiftOf(size);
        int rep = Insn.rep(w0);
        int a = accumulator(size);
        if (rep == Insn.REP_NONE) {
            int b = readSized(ES, index(EDI, a32), size);
            flagsSub(a, b, a - b, shift);
            advance(EDI, a32, d);
            return;
        }
        int n = iterationAllowance();
        for (int k = 0; k < n; k++) {
            int c = count(a32);
            if (c == 0) {
                retired += k == 0 ? 0 : k - 1;
                return;
            }
            int b = readSized(ES, index(EDI, a32), size);
            flagsSub(a, b, a - b, shift);
            advance(EDI, a32, d);
            setCount(a32, c - 1);
            if ((flagRes == 0) != (rep == Insn.REP_E)) {
                retired += k;
                return;
            }
        }
        finishChunk(a32, n);
    }

    final void ins(int w0, int size) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int port = r16(EDX);
        checkIoPermission(port, size);
        checkEvents = true;
        int d = step(size);
        if (Insn.rep(w0) == Insn.REP_NONE) {
            insOnce(a32, port, size, d);
            return;
        }
        int n = iterationAllowance();
        for (int k = 0; k < n; k++) {
            int c = count(a32);
            if (c == 0) {
                retired += k == 0 ? 0 : k - 1;
                return;
            }
            insOnce(a32, port, size, d);
            setCount(a32, c - 1);
        }
        finishChunk(a32, n);
    }

    private void insOnce(boolean a32, int port, int size, int d) {
        int off = index(EDI, a32);
        // The destination is checked before the port is read: a fault must not lose device data.
        checkWritable(ES, off, size);
        writeSized(ES, off, size, platform.ports().in(port, size));
        advance(EDI, a32, d);
    }

    final void outs(int w0, int size) {
        boolean a32 = (w0 & Insn.A32) != 0;
        int port = r16(EDX);
        checkIoPermission(port, size);
        checkEvents = true;
        int src = Insn.seg(w0);
        int d = step(size);
        if (Insn.rep(w0) == Insn.REP_NONE) {
            platform.ports().out(port, size, readSized(src, index(ESI, a32), size));
            advance(ESI, a32, d);
            return;
        }
        int n = iterationAllowance();
        for (int k = 0; k < n; k++) {
            int c = count(a32);
            if (c == 0) {
                retired += k == 0 ? 0 : k - 1;
                return;
            }
            platform.ports().out(port, size, readSized(src, index(ESI, a32), size));
            advance(ESI, a32, d);
            setCount(a32, c - 1);
        }
        finishChunk(a32, n);
    }

    /** After a full chunk: account its iterations; if the count is not exhausted, restart the instruction later. */
    private void finishChunk(boolean a32, int n) {
        retired += n - 1;
        if (count(a32) != 0) {
            yieldRepeat();
        }
    }
}
