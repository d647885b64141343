package org.quasivm.exec.cpu;

import java.nio.ByteBuffer;

import org.quasivm.exec.decode.CodeCache;
import org.quasivm.exec.memory.PhysicalMemory;
import org.quasivm.exec.mmu.PageWalker;
import org.quasivm.exec.mmu.PhysicalBus;
import org.quasivm.exec.mmu.Tlb;
import org.quasivm.exec.state.SegmentState;

/**
 * Segmented and paged memory access. The fast path of every access is: one unsigned compare against the segment's
 * precomputed limit, one compare of the TLB fast tag (which also rejects page-crossing accesses), one direct-buffer
 * access. Everything unusual — expand-down or null segments, TLB misses, MMIO, page-crossing, writes to code pages —
 * takes the slow path.
 */
abstract class CpuMemory extends CpuCore implements CodeCache.InvalidationListener, CodeCache.ActivationListener,
        PhysicalBus.DeviceAccessListener {
    static final int PAGE_MASK = 0xFFFFF000;

    final CpuFault fault = new CpuFault();
    final Tlb tlb = new Tlb();
    final CodeCache codeCache;
    final PhysicalBus bus;
    final PageWalker walker;
    final ByteBuffer[] tlbBuf = tlb.buffer;
    final int[] tlbOff = tlb.offset;
    /** Read tags of the current privilege class for instruction fetch (user when CPL is 3). */
    int[] fetchTag = tlb.readSupervisor;
    /** Fast tags for data accesses: the privilege class's, or all-miss while alignment checking is on. */
    int[] rdTag = tlb.readSupervisor;
    int[] wrTag = tlb.writeSupervisor;
    boolean userAccess;
    /** CR0.AM, EFLAGS.AC and CPL 3: misaligned data accesses raise #AC(0) (checked on the slow path). */
    boolean alignmentCheck;
    private static final int[] ALWAYS_MISS = new int[Tlb.SIZE];

    static {
        java.util.Arrays.fill(ALWAYS_MISS, Tlb.INVALID);
    }
    /** Set when the block being run may be stale (its code was overwritten): the interpreter stops after this insn. */
    boolean stopBlock;
    /**
     * Something the run loop must look at before the next block: a device was accessed (an interrupt may be pending
     * now), EFLAGS were loaded (IF, TF), HLT, an interrupt shadow. Between such events INTR cannot change, so the run
     * loop chains blocks without polling the interrupt controller.
     */
    boolean checkEvents;

    CpuMemory(PhysicalMemory memory) {
        codeCache = new CodeCache(this, this);
        bus = new PhysicalBus(memory, codeCache, this);
        walker = new PageWalker(bus);
    }

    // ---- faults ----

    final CpuFault fault(int vector) {
        return fault.set(vector, 0, false);
    }

    final CpuFault fault(int vector, int errorCode) {
        return fault.set(vector, errorCode, CpuFault.pushesErrorCode(vector));
    }

    // ---- privilege and code cache hooks ----

    final void setCpl(int level) {
        cpl = level;
        userAccess = level == 3;
        updateAccessView();
    }

    /**
     * Chooses the TLB tag arrays for the current privilege. While alignment checking is active every data access
     * misses the fast tags, so the check costs nothing when it is off.
     */
    final void updateAccessView() {
        alignmentCheck = userAccess && (cr0 & CR0_AM) != 0 && (eflags & AC) != 0;
        fetchTag = userAccess ? tlb.readUser : tlb.readSupervisor;
        rdTag = alignmentCheck ? ALWAYS_MISS : fetchTag;
        wrTag = alignmentCheck ? ALWAYS_MISS : userAccess ? tlb.writeUser : tlb.writeSupervisor;
    }

    @Override
    void setEflagsRaw(int f) {
        super.setEflagsRaw(f);
        updateAccessView();
        checkEvents = true;
    }

    @Override
    public void codeInvalidated(long frame) {
        stopBlock = true;
    }

    @Override
    public void deviceAccessed() {
        checkEvents = true;
    }

    @Override
    public void codePageActivated(long frame) {
        tlb.revokeFastWrites(frame << 12);
    }

    // ---- segment checks ----

    final void updateSegmentChecks(int s) {
        int a = segAttr[s];
        long limit = segLimit[s] & 0xFFFFFFFFL;
        int type = a & SegmentState.TYPE_MASK;
        long rd;
        long wr;
        if (!protectedMode) {
            boolean expandDown = (type & 0xC) == 4;
            rd = expandDown ? -1 : limit;
            wr = rd;
        } else if ((a & SegmentState.UNUSABLE) != 0 || (a & SegmentState.P) == 0) {
            rd = -1;
            wr = -1;
        } else if ((type & 8) != 0) {
            rd = (type & 2) != 0 ? limit : -1;
            wr = -1;
        } else if ((type & 4) != 0) {
            rd = -1;
            wr = -1;
        } else {
            rd = limit;
            wr = (type & 2) != 0 ? limit : -1;
        }
        segReadMax[s] = rd;
        segWriteMax[s] = wr;
    }

    /** The full segment check, for accesses the fast compare refused. Returns if the access is allowed. */
    final void segmentCheckSlow(int s, int off, int size, boolean write) {
        int a = segAttr[s];
        int type = a & SegmentState.TYPE_MASK;
        int vector = s == SS ? CpuFault.SS : CpuFault.GP;
        if (protectedMode) {
            if ((a & SegmentState.UNUSABLE) != 0 || (a & SegmentState.P) == 0) {
                throw fault(vector, 0);
            }
            boolean code = (type & 8) != 0;
            if (write && (code || (type & 2) == 0)) {
                throw fault(vector, 0);
            }
            if (!write && code && (type & 2) == 0) {
                throw fault(vector, 0);
            }
        }
        long first = off & 0xFFFFFFFFL;
        long last = first + size - 1;
        long limit = segLimit[s] & 0xFFFFFFFFL;
        if ((type & 0xC) == 4) {
            long upper = (a & SegmentState.DB) != 0 ? 0xFFFFFFFFL : 0xFFFFL;
            if (first <= limit || last > upper) {
                throw fault(vector, 0);
            }
        } else if (last > limit) {
            throw fault(vector, 0);
        }
    }

    // ---- segmented access ----

    final int rd8(int s, int off) {
        if ((off & 0xFFFFFFFFL) > segReadMax[s]) {
            segmentCheckSlow(s, off, 1, false);
        }
        return readLin8(segBase[s] + off);
    }

    final int rd16(int s, int off) {
        if ((off & 0xFFFFFFFFL) + 1 > segReadMax[s]) {
            segmentCheckSlow(s, off, 2, false);
        }
        return readLin16(segBase[s] + off);
    }

    final int rd32(int s, int off) {
        if ((off & 0xFFFFFFFFL) + 3 > segReadMax[s]) {
            segmentCheckSlow(s, off, 4, false);
        }
        return readLin32(segBase[s] + off);
    }

    final long rd64(int s, int off) {
        if ((off & 0xFFFFFFFFL) + 7 > segReadMax[s]) {
            segmentCheckSlow(s, off, 8, false);
        }
        int la = segBase[s] + off;
        return readSlow(la, 8, userAccess);
    }

    final int rdv(int s, int off, boolean o32) {
        return o32 ? rd32(s, off) : rd16(s, off);
    }

    final void wr8(int s, int off, int v) {
        if ((off & 0xFFFFFFFFL) > segWriteMax[s]) {
            segmentCheckSlow(s, off, 1, true);
        }
        writeLin8(segBase[s] + off, v);
    }

    final void wr16(int s, int off, int v) {
        if ((off & 0xFFFFFFFFL) + 1 > segWriteMax[s]) {
            segmentCheckSlow(s, off, 2, true);
        }
        writeLin16(segBase[s] + off, v);
    }

    final void wr32(int s, int off, int v) {
        if ((off & 0xFFFFFFFFL) + 3 > segWriteMax[s]) {
            segmentCheckSlow(s, off, 4, true);
        }
        writeLin32(segBase[s] + off, v);
    }

    final void wr64(int s, int off, long v) {
        if ((off & 0xFFFFFFFFL) + 7 > segWriteMax[s]) {
            segmentCheckSlow(s, off, 8, true);
        }
        writeSlow(segBase[s] + off, 8, v, userAccess);
    }

    final void wrv(int s, int off, int v, boolean o32) {
        if (o32) {
            wr32(s, off, v);
        } else {
            wr16(s, off, v);
        }
    }

    /** Raises the segment fault now if [off, off+size) cannot be written (multi-part stores check first). */
    final void checkWritable(int s, int off, int size) {
        if ((off & 0xFFFFFFFFL) + size - 1 > segWriteMax[s]) {
            segmentCheckSlow(s, off, size, true);
        }
        int la = segBase[s] + off;
        translate(la, true, userAccess);
        if (((la & 0xFFF) + size) > 4096) {
            translate((la | 0xFFF) + 1, true, userAccess);
        }
    }

    // ---- linear access at the current privilege ----

    final int readLin8(int la) {
        int i = (la >>> 12) & Tlb.MASK;
        if (rdTag[i] == (la & PAGE_MASK)) {
            return tlbBuf[i].get(tlbOff[i] + (la & 0xFFF)) & 0xFF;
        }
        return (int) readSlow(la, 1, userAccess);
    }

    final int readLin16(int la) {
        int i = (la >>> 12) & Tlb.MASK;
        if (rdTag[i] == ((la + 1) & PAGE_MASK)) {
            return tlbBuf[i].getShort(tlbOff[i] + (la & 0xFFF)) & 0xFFFF;
        }
        return (int) readSlow(la, 2, userAccess);
    }

    final int readLin32(int la) {
        int i = (la >>> 12) & Tlb.MASK;
        if (rdTag[i] == ((la + 3) & PAGE_MASK)) {
            return tlbBuf[i].getInt(tlbOff[i] + (la & 0xFFF));
        }
        return (int) readSlow(la, 4, userAccess);
    }

    final void writeLin8(int la, int v) {
        int i = (la >>> 12) & Tlb.MASK;
        if (wrTag[i] == (la & PAGE_MASK)) {
            tlbBuf[i].put(tlbOff[i] + (la & 0xFFF), (byte) v);
            return;
        }
        writeSlow(la, 1, v, userAccess);
    }

    final void writeLin16(int la, int v) {
        int i = (la >>> 12) & Tlb.MASK;
        if (wrTag[i] == ((la + 1) & PAGE_MASK)) {
            tlbBuf[i].putShort(tlbOff[i] + (la & 0xFFF), (short) v);
            return;
        }
        writeSlow(la, 2, v, userAccess);
    }

    final void writeLin32(int la, int v) {
        int i = (la >>> 12) & Tlb.MASK;
        if (wrTag[i] == ((la + 3) & PAGE_MASK)) {
            tlbBuf[i].putInt(tlbOff[i] + (la & 0xFFF), v);
            return;
        }
        writeSlow(la, 4, v, userAccess);
    }

    // ---- implicit supervisor accesses (descriptor tables, TSS, IDT) ----

    final int readSys8(int la) {
        return (int) readSlow(la, 1, false);
    }

    final int readSys16(int la) {
        return (int) readSlow(la, 2, false);
    }

    final int readSys32(int la) {
        return (int) readSlow(la, 4, false);
    }

    final void writeSys8(int la, int v) {
        writeSlow(la, 1, v, false);
    }

    final void writeSys16(int la, int v) {
        writeSlow(la, 2, v, false);
    }

    final void writeSys32(int la, int v) {
        writeSlow(la, 4, v, false);
    }

    // ---- slow path ----

    private void checkAlignment(int la, int size, boolean user) {
        if (user && alignmentCheck && size > 1 && (la & (Math.min(size, 8) - 1)) != 0) {
            throw fault(CpuFault.AC, 0);
        }
    }

    final long readSlow(int la, int size, boolean user) {
        checkAlignment(la, size, user);
        int inPage = 4096 - (la & 0xFFF);
        if (size <= inPage) {
            return bus.read(translate(la, false, user), size);
        }
        long first = translate(la, false, user);
        long second = translate(la + inPage, false, user);
        long v = 0;
        for (int k = 0; k < size; k++) {
            long pa = k < inPage ? first + k : second + (k - inPage);
            v |= bus.read(pa, 1) << (8 * k);
        }
        return v;
    }

    final void writeSlow(int la, int size, long v, boolean user) {
        checkAlignment(la, size, user);
        int inPage = 4096 - (la & 0xFFF);
        if (size <= inPage) {
            bus.write(translate(la, true, user), size, v);
            return;
        }
        long first = translate(la, true, user);
        long second = translate(la + inPage, true, user);
        for (int k = 0; k < size; k++) {
            long pa = k < inPage ? first + k : second + (k - inPage);
            bus.write(pa, 1, v >>> (8 * k));
        }
    }

    /** Linear → physical for an access, through the TLB entry when it permits, else by walking (may #PF). */
    final long translate(int la, boolean write, boolean user) {
        int i = (la >>> 12) & Tlb.MASK;
        if (tlb.linear[i] == (la & PAGE_MASK)) {
            int p = tlb.perms[i];
            boolean ok;
            if (write) {
                ok = (p & Tlb.DIRTY) != 0 && (p & (user ? Tlb.USER_WRITE : Tlb.SUPERVISOR_WRITE)) != 0;
            } else {
                ok = !user || (p & Tlb.USER_READ) != 0;
            }
            if (ok) {
                return tlb.physical[i] | (la & 0xFFF);
            }
        }
        return translateMiss(la, write, user);
    }

    private long translateMiss(int la, boolean write, boolean user) {
        long frame;
        int perms;
        if ((cr0 & CR0_PG) == 0) {
            frame = bus.mask(la & 0xFFFFF000L);
            perms = Tlb.USER_READ | Tlb.USER_WRITE | Tlb.SUPERVISOR_WRITE | Tlb.DIRTY;
        } else {
            int error = walker.walk(la, write, user, cr0, cr3, cr4);
            if (error >= 0) {
                cr2 = la;
                throw fault(CpuFault.PF, error);
            }
            frame = walker.frameAddress();
            perms = walker.permissions();
        }
        install(la & PAGE_MASK, frame, perms);
        return frame | (la & 0xFFF);
    }

    private void install(int page, long frame, int perms) {
        int r = bus.regionOf(frame);
        if (r < 0) {
            tlb.fill(page, frame, perms, null, 0, false);
            return;
        }
        boolean fastWrite = !bus.readOnly(r) && !codeCache.isCode(frame >>> 12);
        tlb.fill(page, frame, perms, bus.buffer(r), (int) (frame - bus.start(r)), fastWrite);
    }

    final void flushTlb() {
        tlb.flushAll();
        fetchEpoch++;
    }

    /** CR3 reload with CR4.PGE: global translations stay. */
    final void flushNonGlobalTlb() {
        tlb.flushNonGlobal();
        fetchEpoch++;
    }

    /** INVLPG. */
    final void flushTlbPage(int linearAddress) {
        tlb.flushPage(linearAddress);
        fetchEpoch++;
    }
}
