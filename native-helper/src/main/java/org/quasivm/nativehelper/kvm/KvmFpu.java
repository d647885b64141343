package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * struct kvm_fpu (416 bytes): the FXSAVE image in KVM's layout. KVM ignores {@code mxcsr} here (it reads back as 0)
 * and, on recent kernels, x87 state set this way does not reach the guest unless the XSAVE header marks it in use:
 * state transfer uses {@link KvmXsave}.
 *
 * @param fpr        ST(0)..ST(7) in stack order, 16 bytes each (10 used)
 * @param ftwx       FXSAVE's abridged tag byte: bit i set when physical register i is not empty
 * @param lastIp     FPU instruction pointer (64-bit form: no selector)
 * @param lastDp     FPU data pointer (64-bit form)
 * @param xmm        XMM0..XMM15, 16 bytes each
 */
public record KvmFpu(byte[] fpr, int fcw, int fsw, int ftwx, int lastOpcode, long lastIp, long lastDp,
                     byte[] xmm, int mxcsr) {

    static final int SIZE = 416;
    public static final int FPR_BYTES = 128;
    public static final int XMM_BYTES = 256;

    public KvmFpu {
        if (fpr == null || fpr.length != FPR_BYTES || xmm == null || xmm.length != XMM_BYTES) {
            throw new IllegalArgumentException("kvm_fpu needs 128 bytes of x87 and 256 bytes of XMM registers");
        }
        fpr = fpr.clone();
        xmm = xmm.clone();
    }

    @Override
    public byte[] fpr() {
        return fpr.clone();
    }

    @Override
    public byte[] xmm() {
        return xmm.clone();
    }

    static KvmFpu read(ByteBuffer b) {
        byte[] fpr = new byte[FPR_BYTES];
        b.get(0, fpr);
        byte[] xmm = new byte[XMM_BYTES];
        b.get(152, xmm);
        return new KvmFpu(fpr, b.getShort(128) & 0xFFFF, b.getShort(130) & 0xFFFF, b.get(132) & 0xFF,
                b.getShort(134) & 0xFFFF, b.getLong(136), b.getLong(144), xmm, b.getInt(408));
    }

    void write(ByteBuffer b) {
        b.put(0, fpr);
        b.putShort(128, (short) fcw);
        b.putShort(130, (short) fsw);
        b.put(132, (byte) ftwx);
        b.put(133, (byte) 0);
        b.putShort(134, (short) lastOpcode);
        b.putLong(136, lastIp);
        b.putLong(144, lastDp);
        b.put(152, xmm);
        b.putInt(408, mxcsr);
        b.putInt(412, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvmFpu f && Arrays.equals(fpr, f.fpr) && fcw == f.fcw && fsw == f.fsw && ftwx == f.ftwx
                && lastOpcode == f.lastOpcode && lastIp == f.lastIp && lastDp == f.lastDp
                && Arrays.equals(xmm, f.xmm) && mxcsr == f.mxcsr;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fpr) * 31 + fcw;
    }
}
