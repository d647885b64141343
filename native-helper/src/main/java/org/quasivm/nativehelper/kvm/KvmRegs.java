package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * struct kvm_regs: the general registers, RIP and RFLAGS.
 *
 * @param gprs   16 registers in x86 encoding order (RAX RCX RDX RBX RSP RBP RSI RDI R8..R15); KVM's own struct
 *               order (rax rbx rcx rdx rsi rdi rsp rbp) is converted here, once
 * @param rip    instruction pointer
 * @param rflags flags
 */
public record KvmRegs(long[] gprs, long rip, long rflags) {

    static final int SIZE = 144;

    /** Slot in struct kvm_regs of each register in encoding order. */
    private static final int[] STRUCT_SLOT = {0, 2, 3, 1, 6, 7, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final int RIP_OFFSET = 128;
    private static final int RFLAGS_OFFSET = 136;

    public KvmRegs {
        if (gprs == null || gprs.length != 16) {
            throw new IllegalArgumentException("kvm_regs needs 16 general registers");
        }
        gprs = gprs.clone();
    }

    @Override
    public long[] gprs() {
        return gprs.clone();
    }

    public long gpr(int encoding) {
        return gprs[encoding];
    }

    static KvmRegs read(ByteBuffer b) {
        long[] gprs = new long[16];
        for (int i = 0; i < 16; i++) {
            gprs[i] = b.getLong(STRUCT_SLOT[i] * 8);
        }
        return new KvmRegs(gprs, b.getLong(RIP_OFFSET), b.getLong(RFLAGS_OFFSET));
    }

    void write(ByteBuffer b) {
        for (int i = 0; i < 16; i++) {
            b.putLong(STRUCT_SLOT[i] * 8, gprs[i]);
        }
        b.putLong(RIP_OFFSET, rip);
        b.putLong(RFLAGS_OFFSET, rflags);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvmRegs r && Arrays.equals(gprs, r.gprs) && rip == r.rip && rflags == r.rflags;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gprs) * 31 + Long.hashCode(rip);
    }

    @Override
    public String toString() {
        return "KvmRegs[gprs=" + Arrays.toString(gprs) + ", rip=" + Long.toHexString(rip) + ", rflags="
                + Long.toHexString(rflags) + "]";
    }
}
