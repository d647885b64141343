package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;

/** struct kvm_dtable (16 bytes): GDTR or IDTR. */
public record KvmDtable(long base, int limit) {

    static final int SIZE = 16;

    static KvmDtable read(ByteBuffer b, int at) {
        return new KvmDtable(b.getLong(at), b.getShort(at + 8) & 0xFFFF);
    }

    void write(ByteBuffer b, int at) {
        b.putLong(at, base);
        b.putShort(at + 8, (short) limit);
        b.putShort(at + 10, (short) 0);
        b.putInt(at + 12, 0);
    }
}
