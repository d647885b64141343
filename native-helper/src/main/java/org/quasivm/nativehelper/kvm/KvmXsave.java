package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * struct kvm_xsave: the XSAVE image (4 KiB; legacy FXSAVE area, then the XSAVE header at 512, then extended
 * components). Kept as bytes: the executor reads only what it advertises.
 *
 * <p>This, not {@link KvmFpu}, is the authoritative x87/SSE state: KVM_SET_FPU ignores MXCSR, and a component whose
 * bit is clear in XSTATE_BV is loaded in its initial state, whatever the legacy area holds.
 */
public record KvmXsave(byte[] region) {

    static final int SIZE = 4096;
    // Legacy FXSAVE area (64-bit layout: FIP/FDP are 8 bytes, no selectors).
    public static final int FCW = 0;
    public static final int FSW = 2;
    /** Abridged tag byte: bit i set when physical register i is not empty. */
    public static final int FTW = 4;
    public static final int FOP = 6;
    public static final int FIP = 8;
    public static final int FDP = 16;
    public static final int MXCSR = 24;
    public static final int MXCSR_MASK = 28;
    /** ST(0)..ST(7), 16 bytes apart, in stack order. */
    public static final int ST = 32;
    /** XMM0..XMM15, 16 bytes apart. */
    public static final int XMM = 160;
    public static final int XSTATE_BV = 512;
    public static final long XFEATURE_X87 = 1;
    public static final long XFEATURE_SSE = 2;

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
