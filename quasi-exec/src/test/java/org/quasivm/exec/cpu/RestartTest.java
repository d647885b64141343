package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** Precise faults: state rolls back to the faulting instruction, REP string instructions restart mid-way. */
class RestartTest {
    private final TestMachine m = new TestMachine();
    private final PmFixture pm = new PmFixture(m);

    @Test
    void repMovsbFaultingOnTheDestinationPageStopsWithRegistersOfTheFaultingIteration() {
        pm.identityPaging(0x7);
        pm.setPte(0x301000, 0x301006); // not present
        for (int i = 0; i < 32; i++) {
            m.write8(0x200000 + i, 0x40 + i);
        }
        pm.code32("""
                mov esi, 0x200000
                mov edi, 0x300ff0
                mov ecx, 32
                cld
                rep movsb
                hlt
                """);
        pm.enter(0, true, PmFixture.CODE);
        m.runToHalt(1000);
        assertEquals(14, pm.haltedVector());
        CpuState s = pm.state();
        assertEquals(16, s.gpr(CpuState.RCX), "16 bytes were copied before the fault");
        assertEquals(0x200010, s.gpr(CpuState.RSI));
        assertEquals(0x301000, s.gpr(CpuState.RDI));
        assertEquals(0x301000L, s.cr2());
        assertEquals(PmFixture.CODE + 16, pm.stack(4), "EIP of the REP MOVSB");
        assertEquals(0x4F, m.read8(0x300FFF));

        // The "handler" maps the page and returns: the instruction resumes where it stopped.
        pm.setPte(0x301000, 0x301007);
        m.resume();
        m.cpu.restoreState(popErrorCode(pm.state()));
        m.runToHalt(1000); // the stub's IRETD, then the rest of the REP MOVSB, then HLT
        s = pm.state();
        assertEquals(-1, pm.haltedVector());
        assertEquals(0, s.gpr(CpuState.RCX));
        assertEquals(0x5F, m.read8(0x30100F));
    }

    @Test
    void faultingPushRaisesStackFaultAndLeavesEspUnchanged() {
        // A ring-3 stack segment limited to 4 KiB: pushing at ESP = 2 wraps to 0xFFFFFFFE, outside it. The #SS is
        // delivered on the ring-0 stack from the TSS.
        pm.setGdt(0x40, PmFixture.descriptor(0x70000, 0xFFF, PmFixture.DATA_ACCESS | 0x60, 0x4));
        pm.code32("mov ax, 0x43\nmov ss, ax\nmov esp, 0x2\npush eax\nint3");
        pm.enter(3, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(12, pm.haltedVector(), "#SS");
        assertEquals(0, pm.stack(0));
        assertEquals(2, pm.stack(16), "the frame holds ESP as before the PUSH");
    }

    @Test
    void faultingFarCallLeavesTheStackUntouched() {
        pm.code32("mov esp, 0x8000\ncall 0x1234:0\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(13, pm.haltedVector());
        assertEquals(0x1234, pm.stack(0));
        assertEquals(0x8000 - 16, pm.state().gpr(CpuState.RSP), "only the #GP frame (error, EIP, CS, EFLAGS)");
    }

    private static CpuState popErrorCode(CpuState s) {
        long[] g = s.gprs();
        g[4] += 4;
        return new CpuState(g, s.rip(), s.rflags(), s.es(), s.cs(), s.ss(), s.ds(), s.fs(), s.gs(), s.ldtr(), s.tr(),
                s.gdtr(), s.idtr(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.efer(), s.debugRegisters(), s.msrs(),
                s.fpu(), s.halted(), s.interruptShadow(), s.nmiPending(), s.nmiBlocked(), s.instructionsRetired());
    }
}
