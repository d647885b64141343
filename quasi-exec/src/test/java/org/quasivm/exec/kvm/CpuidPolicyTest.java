package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.nativehelper.kvm.KvmCpuidEntry;

class CpuidPolicyTest {

    // A host offering much more than we model: AVX, XSAVE, x2APIC, long mode, leaf 7 and 0xD.
    private static final List<KvmCpuidEntry> HOST = List.of(
            new KvmCpuidEntry(0, 0, 0, 0xD, 0x68747541, 0x444D4163, 0x69746E65),
            new KvmCpuidEntry(1, 0, 0, 0x00A50F11, 0x0102_0800, 0xFFFA_3203, 0x178B_FBFF),
            new KvmCpuidEntry(7, 0, 1, 0, 0x219C_97A9, 0, 0),
            new KvmCpuidEntry(0xD, 0, 1, 7, 0x340, 0x340, 0),
            new KvmCpuidEntry(0x8000_0000, 0, 0, 0x8000_0021, 0x68747541, 0x444D4163, 0x69746E65),
            new KvmCpuidEntry(0x8000_0001, 0, 0, 0x00A50F11, 0, 0x0000_0F3F, 0x2FD3_FBFF),
            new KvmCpuidEntry(0x8000_0002, 0, 0, 0x20444D41, 0x43595045, 0, 0),
            new KvmCpuidEntry(0x8000_0003, 0, 0, 0, 0, 0, 0),
            new KvmCpuidEntry(0x8000_0004, 0, 0, 0, 0, 0, 0),
            new KvmCpuidEntry(0x8000_0008, 0, 0, 0x3030, 0, 0, 0));

    @Test
    void basicLeavesStopAtOneWithTheHostVendor() {
        KvmCpuidEntry leaf0 = CpuidPolicy.advertised(HOST).get(0);
        assertEquals(new KvmCpuidEntry(0, 0, 0, 1, 0x68747541, 0x444D4163, 0x69746E65), leaf0);
    }

    @Test
    void leafOneKeepsTheSignatureAndOnlyModelledFeatures() {
        KvmCpuidEntry leaf1 = find(CpuidPolicy.advertised(HOST), 1);
        assertEquals(0x00A50F11, leaf1.eax());
        assertEquals(0, leaf1.ecx(), "no SSE3, XSAVE, AVX, x2APIC, hypervisor bit");
        assertEquals(0x178B_FBFF & CpuidPolicy.LEAF1_EDX, leaf1.edx());
        assertEquals(0, leaf1.edx() & CpuidPolicy.APIC, "no local APIC");
        assertEquals(0x0800, leaf1.ebx(), "CLFLUSH size kept, APIC id and logical count cleared");
    }

    @Test
    void extendedLeavesKeepTheBrandButNotLongModeOrNx() {
        List<KvmCpuidEntry> table = CpuidPolicy.advertised(HOST);
        assertEquals(0x8000_0004, find(table, 0x8000_0000).eax());
        KvmCpuidEntry ext1 = find(table, 0x8000_0001);
        assertEquals(0, ext1.edx() & (1 << 29), "LM");
        assertEquals(0, ext1.edx() & (1 << 20), "NX");
        assertEquals(0, ext1.edx() & (1 << 11), "SYSCALL");
        assertEquals(0, ext1.ecx());
        assertEquals(0x20444D41, find(table, 0x8000_0002).eax());
        assertTrue(table.stream().noneMatch(e -> e.function() == 7 || e.function() == 0xD
                || e.function() == 0x8000_0008));
    }

    @Test
    void signatureIsLeafOneEax() {
        assertEquals(0x00A50F11, CpuidPolicy.signature(CpuidPolicy.advertised(HOST)));
    }

    private static KvmCpuidEntry find(List<KvmCpuidEntry> table, int function) {
        return table.stream().filter(e -> e.function() == function).findFirst().orElseThrow();
    }
}
