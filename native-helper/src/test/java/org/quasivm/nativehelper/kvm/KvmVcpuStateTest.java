package org.quasivm.nativehelper.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvmVcpuStateTest {

    private static Kvm kvm;
    private RealModeGuest guest;

    @BeforeAll
    static void open() {
        kvm = KvmTestSupport.openOrSkip();
    }

    @AfterAll
    static void close() {
        if (kvm != null) {
            kvm.close();
        }
    }

    @BeforeEach
    void createGuest() {
        guest = new RealModeGuest(kvm, 0, 0xF4);
    }

    @AfterEach
    void closeGuest() {
        guest.close();
    }

    @Test
    void generalRegistersKeepEncodingOrder() {
        long[] gprs = new long[16];
        for (int i = 0; i < 16; i++) {
            gprs[i] = 0x1111_0000_0000L * (i + 1) + i;
        }
        guest.vcpu.setRegs(new KvmRegs(gprs, 0x1234, 0x202));
        KvmRegs back = guest.vcpu.regs();
        assertArrayEquals(gprs, back.gprs());
        assertEquals(0x1234, back.rip());
        assertEquals(0x202, back.rflags());
    }

    @Test
    void generalRegistersReachTheGuestInEncodingOrder() {
        // out dx,al with DX = encoding 2 and AL = encoding 0: a swapped struct order would send elsewhere
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0xEE, 0xF4)) {
            long[] gprs = new long[16];
            gprs[0] = 0x5A;      // RAX
            gprs[2] = 0x0300;    // RDX
            gprs[3] = 0x0077;    // RBX
            gprs[1] = 0x0099;    // RCX
            g.vcpu.setRegs(new KvmRegs(gprs, RealModeGuest.CODE, 2));
            assertEquals(KvmRunPage.EXIT_IO, g.runToExit());
            assertEquals(0x300, g.vcpu.runPage().ioPort());
            assertEquals(0x5A, g.vcpu.runPage().bytes().get((int) g.vcpu.runPage().ioDataOffset()));
        }
    }

    @Test
    void segmentAndSystemRegistersRoundTrip() {
        KvmSregs s = guest.vcpu.sregs();
        KvmSegment es = new KvmSegment(0x12340, 0xFFFF, 0x1234, 3, true, 0, false, true, false, false, false,
                false);
        KvmSregs changed = s.with(s.cs(), s.ds(), es, s.fs(), s.gs(), s.ss(), s.tr(), s.ldt(),
                new KvmDtable(0x5000, 0x27), new KvmDtable(0x6000, 0x3FF), s.cr0(), 0xDEAD000, s.cr3(), s.cr4(),
                s.efer());
        guest.vcpu.setSregs(changed);
        KvmSregs back = guest.vcpu.sregs();
        assertEquals(es, back.es());
        assertEquals(new KvmDtable(0x5000, 0x27), back.gdt());
        assertEquals(new KvmDtable(0x6000, 0x3FF), back.idt());
        assertEquals(0xDEAD000, back.cr2());
    }

    @Test
    void fpuRegistersRoundTrip() {
        byte[] fpr = new byte[KvmFpu.FPR_BYTES];
        for (int i = 0; i < 10; i++) {
            fpr[i] = (byte) (i + 1); // ST(0)
        }
        fpr[9] = 0x3F;
        byte[] xmm = new byte[KvmFpu.XMM_BYTES];
        xmm[17] = 0x42; // XMM1 byte 1
        KvmFpu set = new KvmFpu(fpr, 0x27F, 0x3800, 0x80, 0, 0, 0, xmm, 0x1F80);
        guest.vcpu.setFpu(set);
        KvmFpu back = guest.vcpu.fpu();
        assertEquals(0x27F, back.fcw());
        assertEquals(0x3800, back.fsw());
        assertEquals(0x80, back.ftwx());
        assertArrayEquals(java.util.Arrays.copyOf(fpr, 10), java.util.Arrays.copyOf(back.fpr(), 10));
        assertEquals(0x42, back.xmm()[17]);
    }

    @Test
    void xsaveWithX87AndSseInUseSetsControlWordAndMxcsr() {
        java.nio.ByteBuffer region = java.nio.ByteBuffer.wrap(guest.vcpu.xsave().region())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        region.putShort(KvmXsave.FCW, (short) 0x37A);
        region.putInt(KvmXsave.MXCSR, 0x1F00);
        region.putLong(KvmXsave.XSTATE_BV, KvmXsave.XFEATURE_X87 | KvmXsave.XFEATURE_SSE);
        guest.vcpu.setXsave(new KvmXsave(region.array()));
        java.nio.ByteBuffer back = java.nio.ByteBuffer.wrap(guest.vcpu.xsave().region())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x37A, back.getShort(KvmXsave.FCW));
        assertEquals(0x1F00, back.getInt(KvmXsave.MXCSR));
        assertEquals(0x37A, guest.vcpu.fpu().fcw());
    }

    @Test
    void debugRegistersRoundTrip() {
        guest.vcpu.setDebugRegs(new KvmDebugRegs(new long[] {0x1000, 0x2000, 0x3000, 0x4000}, 0xFFFF0FF0L, 0x401));
        KvmDebugRegs back = guest.vcpu.debugRegs();
        assertArrayEquals(new long[] {0x1000, 0x2000, 0x3000, 0x4000}, back.db());
        assertEquals(0x401, back.dr7());
    }

    @Test
    void nmiQueuedShowsAsPendingOrInjectedInEvents() {
        KvmVcpuEvents before = guest.vcpu.events();
        assertFalse(before.nmi().pending() || before.nmi().injected());
        guest.vcpu.nmi();
        KvmVcpuEvents after = guest.vcpu.events();
        assertTrue(after.nmi().pending() || after.nmi().injected(), after.toString());
    }

    @Test
    void interruptShadowRoundTripsThroughEvents() {
        KvmVcpuEvents e = guest.vcpu.events();
        guest.vcpu.setEvents(new KvmVcpuEvents(e.exception(),
                new KvmVcpuEvents.InterruptEvent(false, 0, false, KvmVcpuEvents.SHADOW_STI),
                new KvmVcpuEvents.NmiEvent(false, false, true), 0,
                KvmVcpuEvents.VALID_SHADOW | KvmVcpuEvents.VALID_NMI_PENDING, e.smi(), false, false, 0));
        KvmVcpuEvents back = guest.vcpu.events();
        assertEquals(KvmVcpuEvents.SHADOW_STI, back.interrupt().shadow());
        assertTrue(back.nmi().masked());
    }

    @Test
    void sysenterMsrsRoundTrip() {
        int[] msrs = {0x174, 0x175, 0x176};
        guest.vcpu.setMsrs(msrs, new long[] {0x10, 0x8000, 0xC0001000L});
        assertArrayEquals(new long[] {0x10, 0x8000, 0xC0001000L}, guest.vcpu.msrs(msrs));
    }

    @Test
    void unknownMsrIsNamedInTheError() {
        KvmException e = assertThrows(KvmException.class, () -> guest.vcpu.msrs(new int[] {0x174, 0x0BAD0BAD}));
        assertTrue(e.getMessage().contains("MSR 0xbad0bad"), e.getMessage());
    }

    @Test
    void cpuidSetIsWhatTheGuestReads() {
        // xor eax,eax / cpuid / out 10h,al / hlt: AL = the maximum basic leaf of the table we set
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0x66, 0x31, 0xC0, 0x0F, 0xA2, 0xE6, 0x10, 0xF4)) {
            List<KvmCpuidEntry> table = new ArrayList<>();
            for (KvmCpuidEntry e : kvm.supportedCpuid()) {
                if (e.function() == 0) {
                    table.add(e.withRegisters(1, e.ebx(), e.ecx(), e.edx()));
                } else if (e.function() == 1) {
                    table.add(e);
                }
            }
            g.vcpu.setCpuid(table);
            assertEquals(KvmRunPage.EXIT_IO, g.runToExit());
            assertEquals(1, g.vcpu.runPage().bytes().get((int) g.vcpu.runPage().ioDataOffset()));
            // KVM adjusts leaf 1 (APIC id, OSXSAVE) and may append leaves of its own; leaf 0 comes back as set.
            List<KvmCpuidEntry> back = g.vcpu.cpuid(64);
            assertTrue(back.contains(table.get(0)), back.toString());
        }
    }
}
