package org.quasivm.exec.mmu;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.quasivm.exec.decode.CodePage;

/**
 * Software TLB: linear page → physical page with permissions, as parallel primitive arrays indexed by the low bits of
 * the linear page number (direct mapped).
 *
 * <p>Besides the entry itself ({@link #linear}, {@link #physical}, {@link #perms}) each privilege class has "fast tags"
 * for reads and writes: a fast tag equals the linear page only when that access may go straight to host memory
 * ({@link #buffer}/{@link #offset}) — RAM, permission granted, dirty bit already set for writes, not a code page for
 * writes. One compare decides the fast path; everything else takes the slow path, which still uses the entry.
 */
public final class Tlb {
    public static final int BITS = 12;
    public static final int SIZE = 1 << BITS;
    public static final int MASK = SIZE - 1;
    /** Never equal to a page-aligned linear address. */
    public static final int INVALID = 1;

    public static final int USER_READ = 1;
    public static final int USER_WRITE = 2;
    public static final int SUPERVISOR_WRITE = 4;
    public static final int GLOBAL = 8;
    /** The page-table entry's dirty bit is set: writes need no walk. */
    public static final int DIRTY = 16;

    public final int[] linear = new int[SIZE];
    public final long[] physical = new long[SIZE];
    public final int[] perms = new int[SIZE];
    public final int[] readSupervisor = new int[SIZE];
    public final int[] writeSupervisor = new int[SIZE];
    public final int[] readUser = new int[SIZE];
    public final int[] writeUser = new int[SIZE];
    public final ByteBuffer[] buffer = new ByteBuffer[SIZE];
    public final int[] offset = new int[SIZE];
    /** Code page of the entry's frame once code has been fetched through it (else null). */
    public final CodePage[] code = new CodePage[SIZE];

    /** Indices that may hold an entry, so flushes touch only those. */
    private final int[] used = new int[SIZE];
    private final boolean[] listed = new boolean[SIZE];
    private int usedCount;

    public Tlb() {
        clearAll();
    }

    private void clearAll() {
        Arrays.fill(linear, INVALID);
        Arrays.fill(readSupervisor, INVALID);
        Arrays.fill(writeSupervisor, INVALID);
        Arrays.fill(readUser, INVALID);
        Arrays.fill(writeUser, INVALID);
        Arrays.fill(buffer, null);
        Arrays.fill(code, null);
        Arrays.fill(listed, false);
        usedCount = 0;
    }

    public static int index(int linearAddress) {
        return (linearAddress >>> 12) & MASK;
    }

    /**
     * Installs an entry. {@code buf} is null when the frame is not directly accessible (MMIO); {@code fastWrite} says
     * whether writes may use host memory directly (RAM, not read-only, not a code page).
     */
    public void fill(int linearPage, long physicalPage, int permissions, ByteBuffer buf, int bufOffset,
                     boolean fastWrite) {
        int i = index(linearPage);
        if (!listed[i]) {
            listed[i] = true;
            used[usedCount++] = i;
        }
        linear[i] = linearPage;
        physical[i] = physicalPage;
        perms[i] = permissions;
        buffer[i] = buf;
        offset[i] = bufOffset;
        code[i] = null;
        boolean direct = buf != null;
        readSupervisor[i] = direct ? linearPage : INVALID;
        readUser[i] = direct && (permissions & USER_READ) != 0 ? linearPage : INVALID;
        boolean dirty = (permissions & DIRTY) != 0;
        writeSupervisor[i] = direct && fastWrite && dirty && (permissions & SUPERVISOR_WRITE) != 0
                ? linearPage : INVALID;
        writeUser[i] = direct && fastWrite && dirty && (permissions & USER_WRITE) != 0 ? linearPage : INVALID;
    }

    private void invalidate(int i) {
        linear[i] = INVALID;
        readSupervisor[i] = INVALID;
        writeSupervisor[i] = INVALID;
        readUser[i] = INVALID;
        writeUser[i] = INVALID;
        buffer[i] = null;
        code[i] = null;
    }

    public void flushAll() {
        if (usedCount > SIZE / 4) {
            clearAll();
            return;
        }
        for (int k = 0; k < usedCount; k++) {
            invalidate(used[k]);
            listed[used[k]] = false;
        }
        usedCount = 0;
    }

    /** CR3 reload with CR4.PGE: global entries survive. */
    public void flushNonGlobal() {
        int kept = 0;
        for (int k = 0; k < usedCount; k++) {
            int i = used[k];
            if ((perms[i] & GLOBAL) != 0 && linear[i] != INVALID) {
                used[kept++] = i;
            } else {
                invalidate(i);
                listed[i] = false;
            }
        }
        usedCount = kept;
    }

    /** INVLPG: drops the entry for one linear page (global or not). */
    public void flushPage(int linearAddress) {
        int i = index(linearAddress);
        if (linear[i] == (linearAddress & 0xFFFFF000)) {
            invalidate(i);
        }
    }

    /** A frame became a code page: no entry may keep writing to it directly. */
    public void revokeFastWrites(long physicalPage) {
        for (int k = 0; k < usedCount; k++) {
            int i = used[k];
            if (physical[i] == physicalPage) {
                writeSupervisor[i] = INVALID;
                writeUser[i] = INVALID;
            }
        }
    }
}
