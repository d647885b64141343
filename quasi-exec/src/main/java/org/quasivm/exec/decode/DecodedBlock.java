package org.quasivm.exec.decode;

/**
 * A straight run of decoded instructions starting at one physical address, ending at a control transfer, an
 * instruction that can change how what follows is decoded or run, the end of the page, or {@link #MAX_INSNS}.
 * Instructions are {@link Insn#STRIDE}-int records in {@link #code}.
 */
public final class DecodedBlock {
    public static final int MAX_INSNS = 64;

    /** Offset of the first instruction within its 4 KiB page. */
    public final int pageOffset;
    /** Decoded with a 32-bit default operand and address size (CS.D). */
    public final boolean code32;
    public final int[] code;
    public final int count;
    /** Bytes from the first instruction's start to the last one's end. */
    public final int byteLength;
    /** Next block in the same page bucket (the per-page lookup chains collisions). */
    public DecodedBlock nextInBucket;
    /** False once its page was written (or the cache flushed): links to it must not be followed. */
    public boolean valid = true;

    /*
     * Two successor links: blocks that ran after this one, with the EIP that led there and the CPU's fetch epoch (CS,
     * mode and TLB state) when the link was made. Within an epoch an EIP always names the same block, so the
     * interpreter follows a link when both match and the target is still valid, skipping the TLB and code-page
     * lookup for loops, calls and straight-line code.
     */
    public DecodedBlock link0;
    public int link0Eip;
    public int link0Epoch;
    public DecodedBlock link1;
    public int link1Eip;
    public int link1Epoch;

    public DecodedBlock(int pageOffset, boolean code32, int[] code, int count, int byteLength) {
        this.pageOffset = pageOffset;
        this.code32 = code32;
        this.code = code;
        this.count = count;
        this.byteLength = byteLength;
    }
}
