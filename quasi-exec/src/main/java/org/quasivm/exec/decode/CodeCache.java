package org.quasivm.exec.decode;

/**
 * Decoded code by physical page frame, in a two-level radix table (36-bit physical addresses). Writes to a page that
 * holds code invalidate it; the listener hears of it so the CPU can stop running a block that was just overwritten.
 */
public final class CodeCache {

    /** Told when an active code page loses its blocks because something wrote to it. */
    public interface InvalidationListener {
        void codeInvalidated(long frame);
    }

    /** Activating a page: the CPU must stop writing to this frame on its fast path. */
    public interface ActivationListener {
        void codePageActivated(long frame);
    }

    private static final int LEAF_BITS = 10;
    private static final int LEAF_SIZE = 1 << LEAF_BITS;
    private static final int FRAME_BITS = 24;
    /** Beyond this many cached blocks the whole cache is dropped (guests that generate code endlessly). */
    private static final int MAX_BLOCKS = 1 << 18;

    private final CodePage[][] directory = new CodePage[1 << (FRAME_BITS - LEAF_BITS)][];
    private final InvalidationListener invalidationListener;
    private final ActivationListener activationListener;
    private int blocks;
    private long generation;

    public CodeCache(InvalidationListener invalidation, ActivationListener activation) {
        this.invalidationListener = invalidation;
        this.activationListener = activation;
    }

    private static boolean inRange(long frame) {
        return frame >= 0 && frame < (1L << FRAME_BITS);
    }

    /** The page object for a frame, created on first use (it stays inactive until a block is added). */
    public CodePage page(long frame) {
        if (!inRange(frame)) {
            throw new IllegalArgumentException("physical frame out of range: " + Long.toHexString(frame));
        }
        int hi = (int) (frame >>> LEAF_BITS);
        CodePage[] leaf = directory[hi];
        if (leaf == null) {
            leaf = new CodePage[LEAF_SIZE];
            directory[hi] = leaf;
        }
        int lo = (int) (frame & (LEAF_SIZE - 1));
        CodePage p = leaf[lo];
        if (p == null) {
            p = new CodePage(frame);
            leaf[lo] = p;
        }
        return p;
    }

    private CodePage existing(long frame) {
        if (!inRange(frame)) {
            return null;
        }
        CodePage[] leaf = directory[(int) (frame >>> LEAF_BITS)];
        return leaf == null ? null : leaf[(int) (frame & (LEAF_SIZE - 1))];
    }

    /** Whether the frame currently holds decoded code (so CPU writes to it must take the slow path). */
    public boolean isCode(long frame) {
        CodePage p = existing(frame);
        return p != null && p.active();
    }

    /** Adds a freshly decoded block, activating its page. */
    public void add(CodePage page, DecodedBlock block) {
        if (blocks >= MAX_BLOCKS) {
            flush();
        }
        if (!page.active()) {
            page.activate();
            activationListener.codePageActivated(page.frame);
        }
        page.add(block);
        blocks++;
    }

    /** A write of {@code length} bytes (within one page) reached {@code address}: drop the page's code if it hit. */
    public void written(long address, int length) {
        CodePage p = existing(address >>> 12);
        if (p != null && p.active() && p.holdsCode((int) (address & 0xFFF), length)) {
            blocks -= p.clear();
            invalidationListener.codeInvalidated(address >>> 12);
        }
    }

    /** Drops code overlapping [address, address+length), page by page. */
    public void invalidate(long address, long length) {
        if (length <= 0) {
            return;
        }
        long end = address + length;
        for (long a = address; a < end; a = (a | 0xFFF) + 1) {
            long pageEnd = (a | 0xFFF) + 1;
            written(a, (int) (Math.min(end, pageEnd) - a));
        }
    }

    /** Drops everything (memory map changed). Page objects survive, so references held elsewhere stay valid. */
    public void flush() {
        for (CodePage[] leaf : directory) {
            if (leaf != null) {
                for (CodePage p : leaf) {
                    if (p != null && p.active()) {
                        p.clear();
                    }
                }
            }
        }
        blocks = 0;
        generation++;
        invalidationListener.codeInvalidated(-1);
    }

    public int blockCount() {
        return blocks;
    }

    public long generation() {
        return generation;
    }
}
