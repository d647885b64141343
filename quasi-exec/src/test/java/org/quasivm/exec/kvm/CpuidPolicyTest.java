package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.cpu.CpuFeatures;
import org.quasivm.nativehelper.kvm.KvmCpuidEntry;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;

class CpuidPolicyTest {

    private static final CpuFeatures FEATURES = new CpuFeatures(true, false);

    // An AMD host offering much more than the modelled CPU (SSE*, AVX, XSAVE, x2APIC, long mode, leaf 7 and 0xD).
    private static final List<KvmCpuidEntry> HOST = List.of(
            new KvmCpuidEntry(0, 0, 0, 0xD, 0x68747541, 0x444D4163, 0x69746E65),
            new KvmCpuidEntry(1, 0, 0, 0x00A50F11, 0x0102_0800, 0xFFFA_3203, 0x178B_FBFF),
            new KvmCpuidEntry(7, 0, 1, 0, 0x219C_97A9, 0, 0),
            new KvmCpuidEntry(0xD, 0, 1, 7, 0x340, 0x340, 0),
            new KvmCpuidEntry(0x8000_0000, 0, 0, 0x8000_0021, 0x68747541, 0x444D4163, 0x69746E65),
            new KvmCpuidEntry(0x8000_0001, 0, 0, 0x00A50F11, 0, 0x0000_0F3F, 0x2FD3_FBFF));

    @Test
    void everyLeafAnswersWhatTheSoftwareCpuAnswers() {
        List<KvmCpuidEntry> table = CpuidPolicy.advertised(HOST, FEATURES);
        int[] r = new int[4];
        for (int leaf : CpuidPolicy.LEAVES) {
            FEATURES.query(leaf, r);
            KvmCpuidEntry e = table.stream().filter(x -> x.function() == leaf).findFirst().orElseThrow();
            assertEquals(new KvmCpuidEntry(leaf, 0, 0, r[0], r[1], r[2], r[3]), e, "leaf " + Integer.toHexString(leaf));
        }
    }

    @Test
    void nothingBeyondTheModelledLeavesIsOffered() {
        List<KvmCpuidEntry> table = CpuidPolicy.advertised(HOST, FEATURES);
        assertEquals(CpuidPolicy.LEAVES.length, table.size());
        assertTrue(table.stream().noneMatch(e -> e.function() == 7 || e.function() == 0xD));
    }

    @Test
    void signatureIsTheSoftwareCpus() {
        assertEquals(CpuFeatures.SIGNATURE, CpuidPolicy.signature(CpuidPolicy.advertised(HOST, FEATURES)));
    }

    @Test
    void hostWithoutAModelledFeatureIsRefusedByName() {
        int noPat = 0x178B_FBFF & ~(1 << 16);
        List<KvmCpuidEntry> host = List.of(new KvmCpuidEntry(1, 0, 0, 0x00A50F11, 0, 0, noPat));
        KvmUnavailableException e = assertThrows(KvmUnavailableException.class,
                () -> CpuidPolicy.advertised(host, FEATURES));
        assertEquals("KVM is not usable: the host cannot offer CPUID.1:EDX features 0x10000 of the CPU QuasiVM models",
                e.getMessage());
    }
}
