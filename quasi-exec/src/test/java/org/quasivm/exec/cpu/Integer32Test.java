package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.CpuState;

/** 32-bit integer instructions (results and flags per SDM vol. 2), run in flat 32-bit protected mode. */
class Integer32Test {
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

    private final TestMachine m = new TestMachine();
    private final PmFixture pm = new PmFixture(m);

    private CpuState run(String asm) {
        pm.code32(asm + "\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(10_000);
        assertEquals(-1, pm.haltedVector(), "unexpected exception");
        return pm.state();
    }

    private static long reg(CpuState s, int r) {
        return s.gpr(r);
    }

    @Test
    void addSetsCarryAndOverflowIndependently() {
        CpuState s = run("mov eax, 0x7fffffff\nadd eax, 1\npushfd\npop ebx\nmov ecx, 0xffffffff\nadd ecx, 1\npushfd\npop edx");
        assertEquals(0x80000000L, reg(s, CpuState.RAX));
        assertEquals(OF | SF | AF | PF, reg(s, CpuState.RBX) & (OF | SF | ZF | CF | AF | PF));
        assertEquals(ZF | CF | AF | PF, reg(s, CpuState.RDX) & (OF | SF | ZF | CF | AF | PF));
    }

    @Test
    void adcAndSbbChainThroughCarry() {
        CpuState s = run("mov eax, 0xffffffff\nmov edx, 1\nadd eax, 1\nadc edx, 0\nmov ecx, 0\nsub ecx, 1\nsbb ebx, 0");
        assertEquals(0, reg(s, CpuState.RAX));
        assertEquals(2, reg(s, CpuState.RDX));
        assertEquals(0xFFFFFFFFL, reg(s, CpuState.RBX));
    }

    @Test
    void threeOperandImulTruncatesAndFlagsOverflow() {
        CpuState s = run("mov ecx, 0x10000\nimul eax, ecx, 0x10000\npushfd\npop ebx\nimul edx, ecx, -3");
        assertEquals(0, reg(s, CpuState.RAX));
        assertEquals(CF | OF, reg(s, CpuState.RBX) & (CF | OF));
        assertEquals(0xFFFD0000L, reg(s, CpuState.RDX));
    }

    @Test
    void oneOperandMulFillsEdxEax() {
        CpuState s = run("mov eax, 0xffffffff\nmov ecx, 0xffffffff\nmul ecx");
        assertEquals(1, reg(s, CpuState.RAX));
        assertEquals(0xFFFFFFFEL, reg(s, CpuState.RDX));
    }

    @Test
    void signedDivideRoundsTowardZero() {
        CpuState s = run("mov eax, -7\ncdq\nmov ecx, 2\nidiv ecx");
        assertEquals(0xFFFFFFFDL, reg(s, CpuState.RAX));
        assertEquals(0xFFFFFFFFL, reg(s, CpuState.RDX));
    }

    @Test
    void divideOverflowRaisesDivideError() {
        pm.code32("mov edx, 1\nmov eax, 0\nmov ecx, 1\ndiv ecx\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        m.runToHalt(100);
        assertEquals(0, pm.haltedVector());
        assertEquals(PmFixture.CODE + 15, pm.stack(0), "#DE is a fault: EIP of the DIV");
    }

    @Test
    void shldAndShrdShiftInFromTheSource() {
        CpuState s = run("mov eax, 0x12345678\nmov ebx, 0x9abcdef0\nshld eax, ebx, 8\nmov ecx, 0x12345678\nshrd ecx, ebx, 4");
        assertEquals(0x3456789AL, reg(s, CpuState.RAX));
        assertEquals(0x01234567L, reg(s, CpuState.RCX));
    }

    @Test
    void bitScansFindLowestAndHighestSetBits() {
        CpuState s = run("mov eax, 0x00f00010\nbsf ebx, eax\nbsr ecx, eax\nmov edx, 5\nxor eax, eax\nbsf edx, eax\npushfd\npop esi");
        assertEquals(4, reg(s, CpuState.RBX));
        assertEquals(23, reg(s, CpuState.RCX));
        assertEquals(5, reg(s, CpuState.RDX), "source 0: destination unchanged");
        assertEquals(ZF, reg(s, CpuState.RSI) & ZF);
    }

    @Test
    void bitTestAndSetOnMemoryUsesTheSignedRegisterOffset() {
        CpuState s = run("mov dword [0x40000], 0\nmov ecx, 35\nbts [0x40000], ecx\nsetc al\nmov ecx, -1\nbts [0x40004], ecx\nbtr dword [0x40004], 4");
        assertEquals(8, m.read32(0x40004), "bit 35 = bit 3 of the next dword");
        assertEquals(0x80000000, m.read32(0x40000), "bit -1 = bit 31 of the previous dword");
        assertEquals(0, reg(s, CpuState.RAX) & 0xFF);
    }

    @Test
    void movsxAndMovzxExtendBytesAndWords() {
        CpuState s = run("mov ecx, 0x8081\nmovsx eax, cl\nmovzx ebx, cl\nmovsx edx, cx\nmovzx esi, cx");
        assertEquals(0xFFFFFF81L, reg(s, CpuState.RAX));
        assertEquals(0x81, reg(s, CpuState.RBX));
        assertEquals(0xFFFF8081L, reg(s, CpuState.RDX));
        assertEquals(0x8081, reg(s, CpuState.RSI));
    }

    @Test
    void cmovAndSetccFollowTheFlags() {
        CpuState s = run("mov eax, 1\nmov ebx, 2\ncmp eax, ebx\ncmovl ecx, ebx\ncmovg edx, ebx\nsetb dl\nsetge dh");
        assertEquals(2, reg(s, CpuState.RCX));
        assertEquals(1, reg(s, CpuState.RDX) & 0xFFFF);
    }

    @Test
    void cmpxchgStoresOnlyWhenTheAccumulatorMatches() {
        CpuState s = run("mov dword [0x40000], 5\nmov eax, 5\nmov ecx, 9\nlock cmpxchg [0x40000], ecx\nsetz bl\nmov eax, 1\ncmpxchg [0x40000], ecx\nsetz bh");
        assertEquals(9, m.read32(0x40000));
        assertEquals(1, reg(s, CpuState.RBX) & 0xFFFF, "first matched (ZF), second did not");
        assertEquals(9, reg(s, CpuState.RAX), "mismatch loads the accumulator");
    }

    @Test
    void cmpxchg8bComparesEdxEax() {
        CpuState s = run("mov dword [0x40000], 1\nmov dword [0x40004], 2\nmov eax, 1\nmov edx, 2\nmov ebx, 3\nmov ecx, 4\ncmpxchg8b [0x40000]\nsetz al");
        assertEquals(3, m.read32(0x40000));
        assertEquals(4, m.read32(0x40004));
        assertEquals(1, reg(s, CpuState.RAX) & 0xFF);
    }

    @Test
    void xaddExchangesAndAdds() {
        CpuState s = run("mov dword [0x40000], 10\nmov eax, 3\nlock xadd [0x40000], eax");
        assertEquals(13, m.read32(0x40000));
        assertEquals(10, reg(s, CpuState.RAX));
    }

    @Test
    void bswapReversesByteOrder() {
        assertEquals(0x78563412L, reg(run("mov eax, 0x12345678\nbswap eax"), CpuState.RAX));
    }

    @Test
    void sibAddressingWithScaledIndexAndDisplacement() {
        CpuState s = run("mov ebx, 0x40000\nmov ecx, 3\nmov dword [ebx + ecx*4 + 8], 0x55\nmov eax, [0x40014]\nlea edx, [ebx + ecx*8 - 4]");
        assertEquals(0x55, reg(s, CpuState.RAX));
        assertEquals(0x40014, reg(s, CpuState.RDX));
    }

    @Test
    void operandSizePrefixSelects16BitOperationsIn32BitCode() {
        CpuState s = run("mov eax, 0x12345678\nadd ax, 0xffff\npushfd\npop ebx\nmov cx, 0x8000\nmovsx ecx, cx");
        assertEquals(0x12345677L, reg(s, CpuState.RAX));
        assertEquals(CF, reg(s, CpuState.RBX) & CF);
        assertEquals(0xFFFF8000L, reg(s, CpuState.RCX));
    }

    @Test
    void addressSizePrefixSelects16BitAddressingIn32BitCode() {
        CpuState s = run("mov dword [0x1234], 0x77\nmov ebx, 0x10001234\na16 mov eax, [bx]");
        assertEquals(0x77, reg(s, CpuState.RAX));
    }

    @Test
    void pushaPopaRoundTripKeepsEsp() {
        CpuState s = run("mov eax, 1\nmov ecx, 2\nmov edx, 3\nmov ebx, 4\nmov ebp, 6\nmov esi, 7\nmov edi, 8\npushad\nxor eax, eax\nxor edi, edi\npopad");
        assertEquals(1, reg(s, CpuState.RAX));
        assertEquals(8, reg(s, CpuState.RDI));
        assertEquals(PmFixture.KERNEL_STACK, reg(s, CpuState.RSP));
    }

    @Test
    void enterAndLeaveBuildNestedFrames() {
        CpuState s = run("mov ebp, 0x8800\nenter 16, 2\nmov eax, ebp\nmov ebx, esp\nleave");
        assertEquals(PmFixture.KERNEL_STACK - 4, reg(s, CpuState.RAX));
        assertEquals(PmFixture.KERNEL_STACK - 4 - 8 - 16, reg(s, CpuState.RBX));
        assertEquals(0x8800, reg(s, CpuState.RBP));
        assertEquals(PmFixture.KERNEL_STACK, reg(s, CpuState.RSP));
    }

    @Test
    void repMovsdCopiesAndUpdatesRegisters() {
        CpuState s = run("mov esi, 0x40000\nmov edi, 0x50000\nmov dword [esi], 1\nmov dword [esi+4], 2\nmov ecx, 2\ncld\nrep movsd");
        assertEquals(1, m.read32(0x50000));
        assertEquals(2, m.read32(0x50004));
        assertEquals(0, reg(s, CpuState.RCX));
        assertEquals(0x40008, reg(s, CpuState.RSI));
        assertEquals(0x50008, reg(s, CpuState.RDI));
    }

    @Test
    void repneScasbStopsAtTheMatch() {
        CpuState s = run("mov dword [0x40000], 0x00636261\nmov edi, 0x40000\nxor eax, eax\nmov ecx, -1\nrepne scasb\nnot ecx\ndec ecx");
        assertEquals(3, reg(s, CpuState.RCX), "strlen");
    }

    @Test
    void longRepStosIsRestartedAcrossChunksAndBudgets() {
        pm.code32("mov edi, 0x100000\nmov ecx, 100000\nmov eax, 0x01010101\nrep stosd\nhlt");
        pm.enter(0, false, PmFixture.CODE);
        int runs = 0;
        while (!(m.cpu.run(7000) instanceof org.quasivm.exec.Exit.Halted)) {
            runs++;
        }
        assertEquals(0x01010101, m.read32(0x100000 + 4 * 99999));
        assertEquals(0, pm.state().gpr(CpuState.RCX));
        assertEquals(true, runs >= 14, "the REP yielded to the run loop " + runs + " times");
    }
}
