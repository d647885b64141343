package org.quasivm.exec.decode;

/**
 * The decoded blocks that start in one 4 KiB physical page. While a page is {@link #active()} the CPU's writes to it
 * take the slow path; a write that touches bytes some block was decoded from drops the page's blocks before the next
 * instruction runs (self-modifying code). Which bytes hold code is tracked in 64-byte chunks, so data written next to
 * code on the same page does not throw the code away.
 */
public final class CodePage {
    private static final int BUCKETS = 64;

    public final long frame;
    private final DecodedBlock[] buckets = new DecodedBlock[BUCKETS];
    private boolean active;
    private int blocks;
    /** Bit i: some block was decoded from bytes 64·i .. 64·i+63. */
    private long codeChunks;

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

    /** Whether [offset, offset+length) (within the page) overlaps bytes that blocks were decoded from. */
    public boolean holdsCode(int offset, int length) {
        return (codeChunks & chunkMask(offset, length)) != 0;
    }

    private static long chunkMask(int offset, int length) {
        int first = offset >>> 6;
        int last = Math.min(4095, offset + length - 1) >>> 6;
        long upTo = last == 63 ? -1L : (1L << (last + 1)) - 1;
        return upTo & (-1L << first);
    }

    void add(DecodedBlock block) {
        codeChunks |= chunkMask(block.pageOffset, block.byteLength);
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
        codeChunks = 0;
        return dropped;
    }
}
