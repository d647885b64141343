package org.quasivm.exec.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.Exit;

/**
 * Random instruction bytes in every mode must only ever lead to architectural outcomes (halts, faults, shutdowns,
 * budget ends) — never a Java exception escaping as an internal error. Guest code is untrusted input.
 */
class RandomCodeRobustnessTest {

    private static void fill(TestMachine m, Random rnd, long at, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        m.load(at, b);
    }

    @Test
    void randomCodeInProtectedModeNeverEscapesAsAnInternalError() {
        Random rnd = new Random(20250101);
        for (int round = 0; round < 1500; round++) {
            TestMachine m = new TestMachine(4 << 20, new CpuFeatures(true, false));
            PmFixture pm = new PmFixture(m);
            boolean paging = rnd.nextBoolean();
            if (paging) {
                pm.identityPaging(0x7);
            }
            fill(m, rnd, PmFixture.CODE, 64);
            int cpl = rnd.nextBoolean() ? 0 : 3;
            pm.enter(cpl, paging, PmFixture.CODE);
            Exit e = m.cpu.run(200);
            int seen = round;
            assertFalse(e instanceof Exit.InternalError, () -> "round " + seen + ": " + e);
        }
    }

    @Test
    void randomCodeInRealModeNeverEscapesAsAnInternalError() {
        Random rnd = new Random(4711);
        for (int round = 0; round < 1500; round++) {
            TestMachine m = new TestMachine(4 << 20, new CpuFeatures(true, false));
            fill(m, rnd, 0, 0x400);
            fill(m, rnd, 0x7C00, 64);
            org.quasivm.exec.state.CpuState r = m.cpu.saveState();
            long[] g = new long[16];
            for (int i = 0; i < 8; i++) {
                g[i] = rnd.nextInt() & 0xFFFFL;
            }
            m.cpu.restoreState(new org.quasivm.exec.state.CpuState(g, 0x7C00, 2 | (rnd.nextInt() & 0x8D5),
                    r.es(), new org.quasivm.exec.state.SegmentState(0, 0, 0xFFFF, 0x9B), r.ss(), r.ds(), r.fs(),
                    r.gs(), r.ldtr(), r.tr(), r.gdtr(), r.idtr(), r.cr0(), 0, 0, 0, 0, r.debugRegisters(), r.msrs(),
                    r.fpu(), false, 0, false, false, 0));
            Exit e = m.cpu.run(300);
            int seen = round;
            assertFalse(e instanceof Exit.InternalError, () -> "round " + seen + ": " + e);
        }
    }
}
