package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * struct kvm_xsave: the XSAVE image (4 KiB; legacy FXSAVE area, then the XSAVE header at 512, then extended
 * components). Kept as bytes: the executor reads only what it advertises.
 */
public record KvmXsave(byte[] region) {

    static final int SIZE = 4096;
    public static final int XSTATE_BV_OFFSET = 512;

    public KvmXsave {
        if (region == null || region.length != SIZE) {
            throw new IllegalArgumentException("kvm_xsave region is " + SIZE + " bytes");
        }
        region = region.clone();
    }

    @Override
    public byte[] region() {
        return region.clone();
    }

    static KvmXsave read(ByteBuffer b) {
        byte[] region = new byte[SIZE];
        b.get(0, region);
        return new KvmXsave(region);
    }

    void write(ByteBuffer b) {
        b.put(0, region);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvmXsave x && Arrays.equals(region, x.region);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(region);
    }
}
