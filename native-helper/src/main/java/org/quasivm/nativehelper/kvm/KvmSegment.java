package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;

/**
 * struct kvm_segment (24 bytes): a segment register with its descriptor cache, the limit already expanded by
 * granularity.
 */
public record KvmSegment(long base, int limit, int selector, int type, boolean present, int dpl, boolean db,
                         boolean s, boolean l, boolean g, boolean avl, boolean unusable) {

    static final int SIZE = 24;

    static KvmSegment read(ByteBuffer b, int at) {
        return new KvmSegment(b.getLong(at), b.getInt(at + 8), b.getShort(at + 12) & 0xFFFF, b.get(at + 14) & 0xFF,
                b.get(at + 15) != 0, b.get(at + 16) & 0xFF, b.get(at + 17) != 0, b.get(at + 18) != 0,
                b.get(at + 19) != 0, b.get(at + 20) != 0, b.get(at + 21) != 0, b.get(at + 22) != 0);
    }

    void write(ByteBuffer b, int at) {
        b.putLong(at, base);
        b.putInt(at + 8, limit);
        b.putShort(at + 12, (short) selector);
        b.put(at + 14, (byte) type);
        b.put(at + 15, flag(present));
        b.put(at + 16, (byte) dpl);
        b.put(at + 17, flag(db));
        b.put(at + 18, flag(s));
        b.put(at + 19, flag(l));
        b.put(at + 20, flag(g));
        b.put(at + 21, flag(avl));
        b.put(at + 22, flag(unusable));
        b.put(at + 23, (byte) 0);
    }

    private static byte flag(boolean value) {
        return (byte) (value ? 1 : 0);
    }
}
