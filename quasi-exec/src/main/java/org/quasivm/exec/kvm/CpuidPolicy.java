package org.quasivm.exec.kvm;

import java.util.ArrayList;
import java.util.List;

import org.quasivm.exec.cpu.CpuFeatures;
import org.quasivm.nativehelper.kvm.KvmCpuidEntry;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;

/**
 * What CPUID tells a guest under KVM: exactly what the software CPU answers ({@link CpuFeatures}: vendor, signature,
 * brand, cache descriptors and feature bits), so a guest that probed its CPU under one executor keeps working after
 * its state moves to the other, and the state KVM must save stays what {@code CpuState} holds (no SSE or XSAVE
 * components). A host whose KVM cannot offer one of those features cannot run QuasiVM guests under KVM.
 */
final class CpuidPolicy {

    static final int[] LEAVES = {0, 1, 2, 0x8000_0000, 0x8000_0001, 0x8000_0002, 0x8000_0003, 0x8000_0004};

    private CpuidPolicy() {
    }

    /**
     * The table for KVM_SET_CPUID2.
     *
     * @param supported KVM_GET_SUPPORTED_CPUID
     * @throws KvmUnavailableException naming the features the software CPU has and this host's KVM lacks
     */
    static List<KvmCpuidEntry> advertised(List<KvmCpuidEntry> supported, CpuFeatures features) {
        int hostEdx = supported.stream().filter(e -> e.function() == 1 && e.index() == 0).mapToInt(KvmCpuidEntry::edx)
                .findFirst().orElse(0);
        int missing = features.featureEdx() & ~hostEdx;
        if (missing != 0) {
            throw new KvmUnavailableException("KVM is not usable: the host cannot offer CPUID.1:EDX features 0x"
                    + Integer.toHexString(missing) + " of the CPU QuasiVM models");
        }
        List<KvmCpuidEntry> table = new ArrayList<>();
        int[] r = new int[4];
        for (int leaf : LEAVES) {
            features.query(leaf, r);
            table.add(new KvmCpuidEntry(leaf, 0, 0, r[0], r[1], r[2], r[3]));
        }
        return List.copyOf(table);
    }

    /** CPUID.1:EAX, the family/model/stepping signature RESET leaves in EDX. */
    static int signature(List<KvmCpuidEntry> table) {
        return table.stream().filter(e -> e.function() == 1).mapToInt(KvmCpuidEntry::eax).findFirst().orElse(0);
    }
}
