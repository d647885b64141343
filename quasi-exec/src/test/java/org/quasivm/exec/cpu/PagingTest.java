package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** Two-level paging (SDM vol. 3, 4.3 and 4.7): translations, #PF error codes and CR2, A/D bits, PSE, PGE, WP. */
class PagingTest {
    private static final int P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
    private static final int TARGET = 0x300000;

    private final TestMachine m = new TestMachine();
    private final PmFixture pm = new PmFixture(m);

    private int pageFaultCode() {
        assertEquals(14, pm.haltedVector(), "expected #PF");
        return pm.stack(0);
    }

    private void runKernel(String asm) {
        pm.code32(asm);
        pm.enter(0, true, PmFixture.CODE);
        m.runToHalt(10_000);
    }

    private void runUser(String asm) {
        pm.code32(asm);
        pm.enter(3, true, PmFixture.CODE);
        m.runToHalt(10_000);
    }

    @Test
    void readOfNotPresentPageFaultsWithErrorCodeZeroAndCr2() {
        pm.identityPaging(W | U);
        pm.setPte(TARGET, TARGET | W | U);
        runKernel("mov eax, [0x300123]\nhlt");
        assertEquals(0, pageFaultCode());
        assertEquals(0x300123L, pm.state().cr2());
        assertEquals(PmFixture.CODE, pm.stack(4));
    }

    @Test
    void writeOfNotPresentPageFromUserModeHasWriteAndUserBits() {
        pm.identityPaging(W | U);
        pm.setPte(TARGET, TARGET | W | U);
        runUser("mov dword [0x300ffc], 1\nhlt");
        assertEquals(PagingFlags.W | PagingFlags.U, pageFaultCode());
        assertEquals(0x300FFCL, pm.state().cr2());
    }

    @Test
    void userWriteToReadOnlyPageIsAProtectionFault() {
        pm.identityPaging(W | U);
        pm.setPte(TARGET, TARGET | P | U);
        runUser("mov byte [0x300010], 1\nhlt");
        assertEquals(PagingFlags.P | PagingFlags.W | PagingFlags.U, pageFaultCode());
    }

    @Test
    void userReadOfSupervisorPageIsAProtectionFault() {
        pm.identityPaging(W | U);
        pm.setPte(TARGET, TARGET | P | W);
        runUser("mov eax, [0x300000]\nhlt");
        assertEquals(PagingFlags.P | PagingFlags.U, pageFaultCode());
    }

    @Test
    void supervisorPageInUserDirectoryEntryIsStillSupervisor() {
        pm.identityPaging(W | U);
        m.write32(PmFixture.PAGE_DIRECTORY, PmFixture.PAGE_TABLE | P | W);
        runUser("mov eax, [0x300000]\nhlt");
        assertEquals(PagingFlags.P | PagingFlags.U, pageFaultCode());
    }

    @Test
    void supervisorWriteToReadOnlyPageFaultsOnlyWithCr0Wp() {
        pm.identityPaging(W | U);
        pm.setPte(TARGET, TARGET | P);
        runKernel("mov dword [0x300000], 7\nhlt");
        assertEquals(-1, pm.haltedVector(), "WP=0: supervisor writes ignore R/W");
        assertEquals(7, m.read32(TARGET));

        runKernel("mov eax, cr0\nor eax, 1 << 16\nmov cr0, eax\nmov dword [0x300000], 8\nhlt");
        assertEquals(PagingFlags.P | PagingFlags.W, pageFaultCode());
        assertEquals(7, m.read32(TARGET));
    }

    @Test
    void readSetsAccessedAndWriteSetsDirty() {
        pm.identityPaging(W | U);
        runKernel("mov eax, [0x300000]\nhlt");
        assertEquals(A, pm.pte(TARGET) & (A | D));
        assertEquals(A, m.read32(PmFixture.PAGE_DIRECTORY) & A);
        runKernel("mov dword [0x300000], 1\nhlt");
        assertEquals(A | D, pm.pte(TARGET) & (A | D));
    }

    @Test
    void firstWriteThroughACachedCleanTranslationStillSetsDirty() {
        pm.identityPaging(W | U);
        runKernel("mov eax, [0x300000]\nmov dword [0x300004], 1\nhlt");
        assertEquals(A | D, pm.pte(TARGET) & (A | D));
    }

    @Test
    void pseMapsFourMegabytePagesWhenCr4PseIsSet() {
        pm.identityPaging(W | U);
        // Linear 0x00800000 → physical 0x00000000 through a 4 MiB page.
        m.write32(PmFixture.PAGE_DIRECTORY + 8, P | W | PS);
        m.write32(0x1234, 0x600DF00D);
        pm.code32("mov eax, [0x801234]\nhlt");
        pm.enter(0, true, PmFixture.CODE, 0x202, 1 << 4);
        m.runToHalt(1000);
        assertEquals(0x600DF00DL, pm.state().gpr(CpuState.RAX));
        assertEquals(A, m.read32(PmFixture.PAGE_DIRECTORY + 8) & A);
    }

    @Test
    void largePageBitIsIgnoredWithoutCr4Pse() {
        pm.identityPaging(W | U);
        m.write32(PmFixture.PAGE_DIRECTORY + 8, P | W | PS);
        pm.code32("mov eax, [0x801234]\nhlt");
        pm.enter(0, true, PmFixture.CODE);
        m.runToHalt(1000);
        // Without PSE the entry points at a page table at physical 0: entry 1 (0x00000000 + 4) there is 0 → #PF.
        assertEquals(14, pm.haltedVector());
    }

    @Test
    void staleTranslationIsUsedUntilInvlpg() {
        pm.identityPaging(W | U);
        m.write32(0x300000, 1);
        m.write32(0x301000, 2);
        pm.code32("""
                mov eax, [0x300000]
                mov dword [0x11000 + 0x300 * 4], 0x301007 ; remap 0x300000 → 0x301000
                mov ebx, [0x300000]                       ; TLB still holds the old mapping
                invlpg [0x300000]
                mov ecx, [0x300000]
                hlt
                """);
        pm.enter(0, true, PmFixture.CODE);
        m.runToHalt(1000);
        CpuState s = pm.state();
        assertEquals(1, s.gpr(CpuState.RAX));
        assertEquals(1, s.gpr(CpuState.RBX));
        assertEquals(2, s.gpr(CpuState.RCX));
    }

    @Test
    void globalPageSurvivesCr3ReloadWithPgeButNotWithout() {
        pm.identityPaging(W | U);
        pm.setPte(TARGET, TARGET | P | W | G);
        m.write32(0x300000, 1);
        m.write32(0x301000, 2);
        String asm = """
                mov eax, [0x300000]
                mov dword [0x11000 + 0x300 * 4], 0x301107
                mov edx, cr3
                mov cr3, edx
                mov ebx, [0x300000]
                hlt
                """;
        pm.code32(asm);
        pm.enter(0, true, PmFixture.CODE, 0x202, 1 << 7);
        m.runToHalt(1000);
        assertEquals(1, pm.state().gpr(CpuState.RBX), "global entry kept across CR3 reload");

        pm.setPte(TARGET, TARGET | P | W | G);
        pm.enter(0, true, PmFixture.CODE, 0x202, 0);
        m.runToHalt(1000);
        assertEquals(2, pm.state().gpr(CpuState.RBX), "without CR4.PGE, CR3 reload flushes everything");
    }

    @Test
    void codeFetchFromNotPresentPageFaultsAtTheTarget() {
        pm.identityPaging(W | U);
        pm.setPte(TARGET, 0);
        runKernel("mov eax, 0x300000\njmp eax");
        assertEquals(0, pageFaultCode());
        assertEquals(0x300000L, pm.state().cr2());
        assertEquals(0x300000, pm.stack(4), "the fault is reported at the unreachable instruction");
    }

    @Test
    void instructionSpanningIntoANotPresentPageFaultsWithCr2OnTheSecondPage() {
        pm.identityPaging(W | U);
        pm.setPte(0x301000, 0);
        // mov eax, imm32 at 0x300FFE: opcode and one immediate byte on the present page.
        m.write8(0x300FFE, 0xB8);
        m.write8(0x300FFF, 0x11);
        runKernel("mov eax, 0x300ffe\njmp eax");
        assertEquals(0, pageFaultCode());
        assertEquals(0x301000L, pm.state().cr2());
        assertEquals(0x300FFE, pm.stack(4));
    }

    @Test
    void selfModifyingCodeRunsTheNewBytes() {
        pm.identityPaging(W | U);
        runKernel("""
                mov ecx, 3
                again:
                mov byte [patch + 1], cl    ; rewrite the immediate of the next instruction
                patch:
                mov al, 0
                movzx ebx, al
                add edx, ebx
                loop again
                hlt
                """);
        assertEquals(3 + 2 + 1, pm.state().gpr(CpuState.RDX));
    }

    @Test
    void dataWrittenBesideCodeOnTheSamePageLeavesTheCodeRunning() {
        pm.identityPaging(W | U);
        runKernel("""
                mov ecx, 1000
                again:
                add dword [counter], 3      ; data 192 bytes after the code, same page
                loop again
                mov eax, [counter]
                hlt
                times 192 db 0
                counter: dd 0
                """);
        assertEquals(3000, pm.state().gpr(CpuState.RAX));
    }

    @Test
    void writeToCodeThroughAnAliasMappingInvalidatesIt() {
        pm.identityPaging(W | U);
        // Linear 0x3FF000 aliases the physical page of the code.
        pm.setPte(0x3FF000, PmFixture.CODE | P | W);
        runKernel("""
                mov eax, 1
                mov byte [0x3FF000 + (patch - $$) + 1], 42
                patch:
                mov al, 7
                hlt
                """);
        assertEquals(42, pm.state().gpr(CpuState.RAX) & 0xFF);
    }

    @Test
    void dmaWriteReportedThroughInvalidateCodeIsSeen() {
        pm.identityPaging(W | U);
        pm.code32("mov eax, 1\nhlt\nmov eax, 2\nhlt");
        pm.enter(0, true, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(1, pm.state().gpr(CpuState.RAX));
        m.ram.put(PmFixture.CODE + 1, (byte) 9);
        m.cpu.invalidateCode(PmFixture.CODE, 1);
        pm.enter(0, true, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(9, pm.state().gpr(CpuState.RAX));
        assertNotEquals(0, m.cpu.instructionsRetired());
    }

    /** #PF error code bits. */
    static final class PagingFlags {
        static final int P = 1, W = 2, U = 4, RSVD = 8;
    }
}
