package org.quasivm.exec.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;
import org.quasivm.nativehelper.kvm.KvmDtable;
import org.quasivm.nativehelper.kvm.KvmSegment;
import org.quasivm.nativehelper.kvm.KvmVcpuEvents;
import org.quasivm.nativehelper.kvm.KvmXsave;
import org.quasivm.exec.state.CpuState;

/** Field-by-field conversions between {@code CpuState} and KVM's structures. Pure functions, no ioctls. */
final class KvmCpuState {

    private KvmCpuState() {
    }

    static SegmentState segment(KvmSegment s) {
        int attributes = (s.type() & 0xF)
                | (s.s() ? SegmentState.S : 0)
                | ((s.dpl() & 3) << SegmentState.DPL_SHIFT)
                | (s.present() ? SegmentState.P : 0)
                | (s.avl() ? SegmentState.AVL : 0)
                | (s.l() ? SegmentState.L : 0)
                | (s.db() ? SegmentState.DB : 0)
                | (s.g() ? SegmentState.G : 0)
                | (s.unusable() ? SegmentState.UNUSABLE : 0);
        return new SegmentState(s.selector(), s.base(), s.limit(), attributes);
    }

    static KvmSegment segment(SegmentState s) {
        int a = s.attributes();
        return new KvmSegment(s.base(), s.limit(), s.selector(), a & SegmentState.TYPE_MASK,
                (a & SegmentState.P) != 0, s.dpl(), (a & SegmentState.DB) != 0, (a & SegmentState.S) != 0,
                (a & SegmentState.L) != 0, (a & SegmentState.G) != 0, (a & SegmentState.AVL) != 0,
                (a & SegmentState.UNUSABLE) != 0);
    }

    static TableRegister table(KvmDtable t) {
        return new TableRegister(t.base(), t.limit());
    }

    static KvmDtable table(TableRegister t) {
        return new KvmDtable(t.base(), t.limit());
    }

    /** KVM's shadow bits (MOV SS = 1, STI = 2) to {@code CpuState}'s (STI = 1, MOV SS = 2). */
    static int shadow(int kvmShadow) {
        if ((kvmShadow & KvmVcpuEvents.SHADOW_MOV_SS) != 0) {
            return CpuState.SHADOW_MOV_SS;
        }
        return (kvmShadow & KvmVcpuEvents.SHADOW_STI) != 0 ? CpuState.SHADOW_STI : 0;
    }

    static int kvmShadow(int cpuStateShadow) {
        return switch (cpuStateShadow) {
            case CpuState.SHADOW_STI -> KvmVcpuEvents.SHADOW_STI;
            case CpuState.SHADOW_MOV_SS -> KvmVcpuEvents.SHADOW_MOV_SS;
            default -> 0;
        };
    }

    /**
     * x87/SSE state from the XSAVE legacy area. KVM's image has the 64-bit layout, so the FPU instruction and data
     * pointers come without selectors ({@code lastCs}/{@code lastDs} read as 0).
     */
    static FpuState fpu(KvmXsave xsave) {
        ByteBuffer b = ByteBuffer.wrap(xsave.region()).order(ByteOrder.LITTLE_ENDIAN);
        long xstateBv = b.getLong(KvmXsave.XSTATE_BV);
        if ((xstateBv & KvmXsave.XFEATURE_X87) == 0) {
            // x87 in its initial state; the legacy area is not meaningful
            FpuState init = FpuState.initialized();
            int mxcsr = (xstateBv & KvmXsave.XFEATURE_SSE) != 0 ? b.getInt(KvmXsave.MXCSR) : init.mxcsr();
            return new FpuState(init.controlWord(), init.statusWord(), init.tagWord(), 0, 0, 0, 0, 0,
                    init.registers(), mxcsr, xmm(b, xstateBv));
        }
        int fsw = b.getShort(KvmXsave.FSW) & 0xFFFF;
        int top = (fsw >> 11) & 7;
        byte[] physical = new byte[8 * FpuState.REGISTER_BYTES];
        for (int st = 0; st < 8; st++) {
            int r = (top + st) & 7;
            b.get(KvmXsave.ST + 16 * st, physical, r * FpuState.REGISTER_BYTES, FpuState.REGISTER_BYTES);
        }
        int tags = AbridgedTagWord.expand(b.get(KvmXsave.FTW) & 0xFF, physical);
        return new FpuState(b.getShort(KvmXsave.FCW) & 0xFFFF, fsw, tags, b.getShort(KvmXsave.FOP) & 0x7FF,
                b.getLong(KvmXsave.FIP), 0, b.getLong(KvmXsave.FDP), 0, physical, b.getInt(KvmXsave.MXCSR),
                xmm(b, xstateBv));
    }

    private static byte[] xmm(ByteBuffer b, long xstateBv) {
        byte[] xmm = new byte[FpuState.XMM_BYTES];
        if ((xstateBv & KvmXsave.XFEATURE_SSE) != 0) {
            b.get(KvmXsave.XMM, xmm);
        }
        return xmm;
    }

    /**
     * Writes x87/SSE state into a copy of {@code base} (the vCPU's current image, which keeps any other
     * components) and marks both components in use.
     */
    static KvmXsave xsave(KvmXsave base, FpuState fpu) {
        ByteBuffer b = ByteBuffer.wrap(base.region()).order(ByteOrder.LITTLE_ENDIAN);
        int top = (fpu.statusWord() >> 11) & 7;
        byte[] physical = fpu.registers();
        b.putShort(KvmXsave.FCW, (short) fpu.controlWord());
        b.putShort(KvmXsave.FSW, (short) fpu.statusWord());
        b.put(KvmXsave.FTW, (byte) AbridgedTagWord.abridge(fpu.tagWord()));
        b.put(KvmXsave.FTW + 1, (byte) 0);
        b.putShort(KvmXsave.FOP, (short) fpu.lastOpcode());
        b.putLong(KvmXsave.FIP, fpu.lastIp());
        b.putLong(KvmXsave.FDP, fpu.lastDp());
        b.putInt(KvmXsave.MXCSR, fpu.mxcsr());
        for (int st = 0; st < 8; st++) {
            int r = (top + st) & 7;
            b.put(KvmXsave.ST + 16 * st, physical, r * FpuState.REGISTER_BYTES, FpuState.REGISTER_BYTES);
            for (int pad = FpuState.REGISTER_BYTES; pad < 16; pad++) {
                b.put(KvmXsave.ST + 16 * st + pad, (byte) 0);
            }
        }
        b.put(KvmXsave.XMM, fpu.xmm());
        for (int i = KvmXsave.XMM + FpuState.XMM_BYTES; i < KvmXsave.XMM + 256; i++) {
            b.put(i, (byte) 0); // XMM8-15 do not exist for a 32-bit guest
        }
        b.putLong(KvmXsave.XSTATE_BV, b.getLong(KvmXsave.XSTATE_BV) | KvmXsave.XFEATURE_X87
                | KvmXsave.XFEATURE_SSE);
        return new KvmXsave(b.array());
    }
}
