package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.FpuState;

class X87ApiTest {

    private final FlatMemoryHost host = new FlatMemoryHost(4096);

    private void run(X87 x87, int opcode, int modrm) {
        x87.execute(opcode, modrm, 0, 0, 0, host);
    }

    @Test
    void powerOnStateIsTableNineOne() {
        FpuState s = new X87().save();
        assertEquals(0x0040, s.controlWord());
        assertEquals(0, s.statusWord());
        assertEquals(0x5555, s.tagWord());
        assertEquals(FpuState.powerOn(), s);
    }

    @Test
    void fninitSetsControlWord37fAndEmptiesTheStack() {
        X87 x87 = new X87();
        run(x87, 0xDB, 0xE3);
        FpuState s = x87.save();
        assertEquals(0x037F, s.controlWord());
        assertEquals(0xFFFF, s.tagWord());
        assertEquals(0, s.statusWord());
    }

    @Test
    void onePlusOneIsTwoInTheRegisterFile() {
        X87 x87 = new X87();
        run(x87, 0xDB, 0xE3);
        run(x87, 0xD9, 0xE8); // FLD1
        run(x87, 0xD9, 0xE8); // FLD1
        run(x87, 0xDE, 0xC1); // FADDP
        FpuState s = x87.save();
        byte[] r7 = java.util.Arrays.copyOfRange(s.registers(), 70, 80);
        assertEquals((byte) 0x80, r7[7]);
        assertEquals(0x4000, (r7[8] & 0xFF) | (r7[9] & 0xFF) << 8);
        assertEquals(7, (s.statusWord() >> 11) & 7);
    }

    @Test
    void saveRestoreRoundTrips() {
        X87 x87 = new X87();
        run(x87, 0xDB, 0xE3);
        run(x87, 0xD9, 0xEB); // FLDPI
        FpuState saved = x87.save();
        X87 other = new X87();
        other.restore(saved);
        assertEquals(saved, other.save());
    }

    @Test
    void restoreRejectsReservedMxcsrBits() {
        FpuState s = FpuState.initialized();
        FpuState bad = new FpuState(s.controlWord(), s.statusWord(), s.tagWord(), 0, 0, 0, 0, 0, s.registers(),
                0x1_0000, s.xmm());
        assertThrows(IllegalArgumentException.class, () -> new X87().restore(bad));
    }

    @Test
    void noWaitControlInstructionsAreNotWaiting() {
        assertFalse(X87.isWaiting(0xDB, 0xE3));
        assertFalse(X87.isWaiting(0xDB, 0xE2));
        assertFalse(X87.isWaiting(0xDF, 0xE0));
        assertFalse(X87.isWaiting(0xDD, 0x38));
        assertFalse(X87.isWaiting(0xD9, 0x38));
        assertFalse(X87.isWaiting(0xD9, 0x30));
        assertFalse(X87.isWaiting(0xDD, 0x30));
        assertTrue(X87.isWaiting(0xD9, 0x28)); // FLDCW
        assertTrue(X87.isWaiting(0xD8, 0xC1));
    }

    @Test
    void reservedEncodingsAreUndefined() {
        assertFalse(X87.isDefined(0xD9, 0x08)); // D9 /1 memory
        assertFalse(X87.isDefined(0xD9, 0xD1));
        assertFalse(X87.isDefined(0xDB, 0x08)); // FISTTP needs SSE3
        assertFalse(X87.isDefined(0xDF, 0xE1));
        assertTrue(X87.isDefined(0xDE, 0xD9)); // FCOMPP
        assertTrue(X87.isDefined(0xDF, 0xE0)); // FNSTSW AX
    }
}
