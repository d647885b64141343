package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** REP MOVS/STOS take a host-memory fast path; these cases must still behave element by element. */
class StringBulkTest {
    private final TestMachine m = new TestMachine();
    private final PmFixture pm = new PmFixture(m);

    private CpuState run(String asm) {
        pm.code32(asm + "\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(1_000_000);
        return pm.state();
    }

    @Test
    void overlappingForwardMovsbReplicatesTheFirstByte() {
        m.write8(0x40000, 0xAB);
        run("mov esi, 0x40000\nmov edi, 0x40001\nmov ecx, 100\ncld\nrep movsb");
        for (int i = 0; i <= 100; i++) {
            assertEquals(0xAB, m.read8(0x40000 + i), "byte " + i);
        }
    }

    @Test
    void overlappingMovsdWithTheDestinationBelowCopiesLikeMemmove() {
        for (int i = 0; i < 64; i++) {
            m.write32(0x40010 + 4L * i, i);
        }
        run("mov esi, 0x40010\nmov edi, 0x40000\nmov ecx, 64\ncld\nrep movsd");
        for (int i = 0; i < 64; i++) {
            assertEquals(i, m.read32(0x40000 + 4L * i));
        }
    }

    @Test
    void movsdAcrossPagesAndMisalignedCopiesEveryElement() {
        for (int i = 0; i < 3000; i++) {
            m.write32(0x40001 + 4L * i, i * 7);
        }
        CpuState s = run("mov esi, 0x40001\nmov edi, 0x60003\nmov ecx, 3000\ncld\nrep movsd");
        for (int i = 0; i < 3000; i++) {
            assertEquals(i * 7, m.read32(0x60003 + 4L * i), "dword " + i);
        }
        assertEquals(0, s.gpr(CpuState.RCX));
        assertEquals(0x60003 + 12000, s.gpr(CpuState.RDI));
    }

    @Test
    void backwardStosdFillsDownwards() {
        CpuState s = run("mov edi, 0x40ffc\nmov ecx, 1100\nmov eax, 0x11223344\nstd\nrep stosd\ncld");
        assertEquals(0x11223344, m.read32(0x40FFC));
        assertEquals(0x11223344, m.read32(0x40FFC - 4 * 1099));
        assertEquals(0, m.read32(0x40FFC - 4 * 1100));
        assertEquals(0x40FFCL - 4 * 1100, s.gpr(CpuState.RDI));
    }

    @Test
    void stosbStopsAtTheSegmentLimitWithRegistersOfTheFaultingElement() {
        pm.setGdt(0x40, PmFixture.descriptor(0x40000, 0x0FFF, PmFixture.DATA_ACCESS, 0x4));
        CpuState s = run("mov ax, 0x40\nmov es, ax\nmov edi, 0xff0\nmov ecx, 100\nmov al, 0x5a\ncld\nrep stosb");
        assertEquals(13, pm.haltedVector());
        assertEquals(100 - 16, s.gpr(CpuState.RCX));
        assertEquals(0x1000, s.gpr(CpuState.RDI));
        assertEquals(0x5A, m.read8(0x40FFF));
    }

    @Test
    void movsbOverTheFollowingInstructionsRunsTheNewCode() {
        CpuState s = run("""
                mov esi, newcode
                mov edi, target
                mov ecx, newcode_end - newcode
                cld
                rep movsb
                target:
                mov eax, 1
                jmp done
                newcode:
                mov eax, 2
                newcode_end:
                done:
                """);
        assertEquals(2, s.gpr(CpuState.RAX));
    }

    @Test
    void realModeStosbWrapsDiWithinTheSegment() {
        String asm = """
                bits 16
                org 0x7c00
                mov ax, 0x2000
                mov es, ax
                mov di, 0xfffe
                mov cx, 4
                mov al, 0x77
                cld
                a32 rep stosb
                hlt
                """;
        m.load(0x7C00, Nasm.assemble(asm));
        // In 16-bit addressing DI wraps; with a32 EDI would run past the limit instead: check the 16-bit form.
        m.load(0x7C00, Nasm.assemble(asm.replace("a32 rep stosb", "rep stosb")));
        CpuState reset = m.cpu.saveState();
        m.cpu.restoreState(new CpuState(reset.gprs(), 0x7C00, 2, reset.es(),
                new org.quasivm.exec.state.SegmentState(0, 0, 0xFFFF, 0x9B), reset.ss(), reset.ds(), reset.fs(),
                reset.gs(), reset.ldtr(), reset.tr(), reset.gdtr(), reset.idtr(), reset.cr0(), 0, 0, 0, 0,
                reset.debugRegisters(), reset.msrs(), reset.fpu(), false, 0, false, false, 0));
        m.runToHalt(100);
        assertEquals(0x77, m.read8(0x2FFFE));
        assertEquals(0x77, m.read8(0x2FFFF));
        assertEquals(0x77, m.read8(0x20000));
        assertEquals(0x77, m.read8(0x20001));
        assertEquals(2, m.cpu.saveState().gpr(CpuState.RDI));
    }
}
