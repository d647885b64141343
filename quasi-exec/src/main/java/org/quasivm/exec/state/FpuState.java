package org.quasivm.exec.state;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * x87 (and later SSE) state in the layout FXSAVE and KVM use.
 *
 * @param controlWord   FCW
 * @param statusWord    FSW (TOP in bits 11-13)
 * @param tagWord       the full 16-bit tag word (2 bits per physical register), not FXSAVE's abridged form
 * @param lastOpcode    FOP, 11 bits
 * @param lastIp        last instruction pointer (offset)
 * @param lastCs        its code selector
 * @param lastDp        last data pointer (offset)
 * @param lastDs        its data selector
 * @param registers     R0..R7 in physical order, 10 bytes each (64-bit significand little-endian, then sign+exponent)
 * @param mxcsr         SSE control/status (0x1F80 when SSE is absent)
 * @param xmm           XMM0..XMM7, 16 bytes each (zeros when SSE is absent)
 */
public record FpuState(int controlWord, int statusWord, int tagWord, int lastOpcode,
                       long lastIp, int lastCs, long lastDp, int lastDs,
                       byte[] registers, int mxcsr, byte[] xmm) {

    public static final int REGISTER_BYTES = 10;
    public static final int XMM_BYTES = 16 * 8;

    public FpuState {
        if (registers == null || registers.length != 8 * REGISTER_BYTES) {
            throw new IllegalArgumentException("x87 register file must be 80 bytes");
        }
        if (xmm == null || xmm.length != XMM_BYTES) {
            throw new IllegalArgumentException("XMM register file must be " + XMM_BYTES + " bytes");
        }
        if ((controlWord | statusWord | tagWord | lastCs | lastDs) >>> 16 != 0) {
            throw new IllegalArgumentException("x87 control/status/tag words and selectors are 16-bit");
        }
        if ((lastOpcode & ~0x7FF) != 0) {
            throw new IllegalArgumentException("x87 last opcode is 11 bits");
        }
        registers = registers.clone();
        xmm = xmm.clone();
    }

    /** State after FNINIT: FCW 037Fh, FSW 0, all registers empty. */
    public static FpuState initialized() {
        return new FpuState(0x037F, 0, 0xFFFF, 0, 0, 0, 0, 0, new byte[80], 0x1F80, new byte[XMM_BYTES]);
    }

    /** State at power-on RESET (Intel SDM vol. 3, table 9-1): FCW 0040h, FSW 0, tags 5555h. */
    public static FpuState powerOn() {
        return new FpuState(0x0040, 0, 0x5555, 0, 0, 0, 0, 0, new byte[80], 0x1F80, new byte[XMM_BYTES]);
    }

    @Override
    public byte[] registers() {
        return registers.clone();
    }

    @Override
    public byte[] xmm() {
        return xmm.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FpuState f && controlWord == f.controlWord && statusWord == f.statusWord
                && tagWord == f.tagWord && lastOpcode == f.lastOpcode && lastIp == f.lastIp && lastCs == f.lastCs
                && lastDp == f.lastDp && lastDs == f.lastDs && mxcsr == f.mxcsr
                && Arrays.equals(registers, f.registers) && Arrays.equals(xmm, f.xmm);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(registers) + controlWord * 7 + statusWord + tagWord;
    }

    @Override
    public String toString() {
        return "FpuState[fcw=" + Integer.toHexString(controlWord) + ", fsw=" + Integer.toHexString(statusWord)
                + ", ftw=" + Integer.toHexString(tagWord) + ", st=" + HexFormat.of().formatHex(registers) + "]";
    }
}
