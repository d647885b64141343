package org.quasivm.exec.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.quasivm.nativehelper.kvm.KvmCpuidEntry;

/**
 * What CPUID tells a guest under KVM: the host's vendor, signature and brand, but only the features of the CPU
 * QuasiVM models in software too (an i686 with SSE2, no local APIC), so a guest that probed its CPU under KVM keeps
 * working after its state moves to the software executor, and the state KVM must save stays what {@code CpuState}
 * holds (no XSAVE/AVX components).
 *
 * <p>Integration note: once the software CPU publishes its CPUID table, this mask must equal its feature bits.
 */
final class CpuidPolicy {

    // CPUID.1:EDX
    static final int FPU = 1;
    static final int DE = 1 << 2;
    static final int PSE = 1 << 3;
    static final int TSC = 1 << 4;
    static final int MSR = 1 << 5;
    static final int PAE = 1 << 6;
    static final int CX8 = 1 << 8;
    static final int APIC = 1 << 9;
    static final int SEP = 1 << 11;
    static final int PGE = 1 << 13;
    static final int CMOV = 1 << 15;
    static final int PAT = 1 << 16;
    static final int CLFSH = 1 << 19;
    static final int MMX = 1 << 23;
    static final int FXSR = 1 << 24;
    static final int SSE = 1 << 25;
    static final int SSE2 = 1 << 26;

    static final int LEAF1_EDX = FPU | DE | PSE | TSC | MSR | PAE | CX8 | SEP | PGE | CMOV | PAT | CLFSH | MMX | FXSR
            | SSE | SSE2;
    static final int LEAF1_ECX = 0;
    /**
     * CPUID.80000001h:EDX bits 0-9, 12-17, 23 and 24 mirror leaf 1 on AMD (Intel leaves them clear); the extensions
     * there (SYSCALL at bit 11, NX, LM, RDTSCP, 3DNow!) stay off.
     */
    static final int EXT1_EDX = LEAF1_EDX & 0x0183_F3FF;

    static final int MAX_BASIC_LEAF = 1;
    static final int MAX_EXTENDED_LEAF = 0x8000_0004;

    private CpuidPolicy() {
    }

    /** The table for KVM_SET_CPUID2, derived from KVM_GET_SUPPORTED_CPUID. */
    static List<KvmCpuidEntry> advertised(List<KvmCpuidEntry> supported) {
        List<KvmCpuidEntry> table = new ArrayList<>();
        KvmCpuidEntry leaf0 = find(supported, 0).orElseThrow(
                () -> new IllegalStateException("KVM reports no CPUID leaf 0"));
        table.add(leaf0.withRegisters(Math.min(leaf0.eax(), MAX_BASIC_LEAF), leaf0.ebx(), leaf0.ecx(), leaf0.edx()));
        find(supported, 1).ifPresent(e -> table.add(e.withRegisters(e.eax(), e.ebx() & 0xFF00,
                e.ecx() & LEAF1_ECX, e.edx() & LEAF1_EDX)));
        Optional<KvmCpuidEntry> ext = find(supported, 0x8000_0000);
        if (ext.isPresent()) {
            int maxExt = Math.min(ext.get().eax(), MAX_EXTENDED_LEAF);
            KvmCpuidEntry e0 = ext.get();
            table.add(e0.withRegisters(maxExt, e0.ebx(), e0.ecx(), e0.edx()));
            if (Integer.compareUnsigned(maxExt, 0x8000_0001) >= 0) {
                find(supported, 0x8000_0001).ifPresent(e -> table.add(e.withRegisters(e.eax(), 0, 0,
                        e.edx() & EXT1_EDX)));
            }
            for (int leaf = 0x8000_0002; Integer.compareUnsigned(leaf, maxExt) <= 0; leaf++) {
                find(supported, leaf).ifPresent(table::add); // brand string
            }
        }
        return List.copyOf(table);
    }

    /** CPUID.1:EAX, the family/model/stepping signature RESET leaves in EDX. */
    static int signature(List<KvmCpuidEntry> table) {
        return find(table, 1).map(KvmCpuidEntry::eax).orElse(0);
    }

    private static Optional<KvmCpuidEntry> find(List<KvmCpuidEntry> entries, int function) {
        return entries.stream().filter(e -> e.function() == function && e.index() == 0).findFirst();
    }
}
