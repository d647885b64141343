package org.quasivm.exec.state;

/**
 * A segment register with its hidden descriptor cache.
 *
 * @param selector   the visible 16-bit selector
 * @param base       linear base address
 * @param limit      effective limit in bytes (granularity already applied), as an unsigned 32-bit value
 * @param attributes access rights in the VMX/KVM layout: bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 13 L, 14 D/B,
 *                   15 G, 16 unusable
 */
public record SegmentState(int selector, long base, int limit, int attributes) {

    public static final int TYPE_MASK = 0xF;
    public static final int S = 1 << 4;
    public static final int DPL_SHIFT = 5;
    public static final int P = 1 << 7;
    public static final int AVL = 1 << 12;
    public static final int L = 1 << 13;
    public static final int DB = 1 << 14;
    public static final int G = 1 << 15;
    public static final int UNUSABLE = 1 << 16;
    private static final int DEFINED = TYPE_MASK | S | (3 << DPL_SHIFT) | P | AVL | L | DB | G | UNUSABLE;

    public SegmentState {
        if ((selector & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("segment selector out of range: " + Integer.toHexString(selector));
        }
        if ((attributes & ~DEFINED) != 0) {
            throw new IllegalArgumentException("segment attributes have undefined bits: "
                    + Integer.toHexString(attributes));
        }
    }

    /** A real-mode data segment as RESET leaves it: base = selector × 16, limit 64 KiB, present read/write. */
    public static SegmentState realMode(int selector) {
        return new SegmentState(selector, (long) selector << 4, 0xFFFF, P | S | 0x3);
    }

    public int dpl() {
        return (attributes >> DPL_SHIFT) & 3;
    }

    public int type() {
        return attributes & TYPE_MASK;
    }

    public boolean present() {
        return (attributes & P) != 0;
    }
}
