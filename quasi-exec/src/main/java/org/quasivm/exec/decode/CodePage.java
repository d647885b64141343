package org.quasivm.exec.decode;

/**
 * The decoded blocks that start in one 4 KiB physical page. While a page is {@link #active()} the CPU's writes to it
 * take the slow path, so any write drops its blocks before the next instruction runs (self-modifying code).
 */
public final class CodePage {
    private static final int BUCKETS = 64;

    public final long frame;
    private final DecodedBlock[] buckets = new DecodedBlock[BUCKETS];
    private boolean active;
    private int blocks;

    CodePage(long frame) {
        this.frame = frame;
    }

    public boolean active() {
        return active;
    }

    void activate() {
        active = true;
    }

    int blockCount() {
        return blocks;
    }

    /** The block starting at {@code offset} decoded for the given default size, or null. */
    public DecodedBlock find(int offset, boolean code32) {
        DecodedBlock b = buckets[offset & (BUCKETS - 1)];
        while (b != null && (b.pageOffset != offset || b.code32 != code32)) {
            b = b.nextInBucket;
        }
        return b;
    }

    void add(DecodedBlock block) {
        int i = block.pageOffset & (BUCKETS - 1);
        block.nextInBucket = buckets[i];
        buckets[i] = block;
        blocks++;
    }

    /** Drops every block; the page stops being a code page until code is decoded from it again. */
    int clear() {
        int dropped = blocks;
        for (DecodedBlock head : buckets) {
            for (DecodedBlock b = head; b != null; b = b.nextInBucket) {
                b.valid = false;
            }
        }
        java.util.Arrays.fill(buckets, null);
        blocks = 0;
        active = false;
        return dropped;
    }
}
