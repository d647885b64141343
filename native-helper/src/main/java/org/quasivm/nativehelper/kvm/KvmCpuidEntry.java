package org.quasivm.nativehelper.kvm;

import java.nio.ByteBuffer;

/** struct kvm_cpuid_entry2 (40 bytes): one CPUID leaf/subleaf and its four result registers. */
public record KvmCpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {

    static final int SIZE = 40;
    /** The subleaf ({@code index}, ECX on input) selects the result. */
    public static final int FLAG_SIGNIFICANT_INDEX = 1;

    static KvmCpuidEntry read(ByteBuffer b, int at) {
        return new KvmCpuidEntry(b.getInt(at), b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12),
                b.getInt(at + 16), b.getInt(at + 20), b.getInt(at + 24));
    }

    void write(ByteBuffer b, int at) {
        b.putInt(at, function);
        b.putInt(at + 4, index);
        b.putInt(at + 8, flags);
        b.putInt(at + 12, eax);
        b.putInt(at + 16, ebx);
        b.putInt(at + 20, ecx);
        b.putInt(at + 24, edx);
        b.putInt(at + 28, 0);
        b.putInt(at + 32, 0);
        b.putInt(at + 36, 0);
    }

    public KvmCpuidEntry withRegisters(int eax, int ebx, int ecx, int edx) {
        return new KvmCpuidEntry(function, index, flags, eax, ebx, ecx, edx);
    }
}
