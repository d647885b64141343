package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** struct kvm_debugregs (128 bytes): DR0-DR3, DR6, DR7. */
public record KvmDebugRegs(long[] db, long dr6, long dr7) {

    static final int SIZE = 128;

    public KvmDebugRegs {
        if (db == null || db.length != 4) {
            throw new IllegalArgumentException("kvm_debugregs has DR0..DR3");
        }
        db = db.clone();
    }

    @Override
    public long[] db() {
        return db.clone();
    }

    static KvmDebugRegs read(ByteBuffer b) {
        long[] db = new long[4];
        for (int i = 0; i < 4; i++) {
            db[i] = b.getLong(8 * i);
        }
        return new KvmDebugRegs(db, b.getLong(32), b.getLong(40));
    }

    void write(ByteBuffer b) {
        for (int i = 0; i < 4; i++) {
            b.putLong(8 * i, db[i]);
        }
        b.putLong(32, dr6);
        b.putLong(40, dr7);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvmDebugRegs d && Arrays.equals(db, d.db) && dr6 == d.dr6 && dr7 == d.dr7;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(db) * 31 + Long.hashCode(dr7);
    }
}
