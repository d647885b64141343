package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Exception flags, masking, the ES summary that drives #MF/FERR#, and stack faults (SDM vol. 1, 8.4-8.7). */
class X87ExceptionTest {

    private static final long J = 0x8000_0000_0000_0000L;

    private final X87Fixture f = new X87Fixture();

    @Test
    void unmaskedZeroDivideLeavesTheDestinationAndSetsEsAndBusy() {
        f.controlWord(0x037F & ~X87.ZE);
        f.push(0, 0);
        f.push(1.0);
        f.run(0xD8, 0xF1);
        assertEquals(0x3FFF, f.st0Se(), "ST0 keeps 1.0");
        assertEquals(X87.ZE | X87.ES | X87.B, f.status() & (X87.ZE | X87.ES | X87.B));
        assertTrue(f.x87.unmaskedExceptionPending());
    }

    @Test
    void maskedExceptionsNeverSetEs() {
        f.push(0, 0);
        f.push(1.0);
        f.run(0xD8, 0xF1);
        assertEquals(X87.ZE, f.status() & (X87.ZE | X87.ES));
        assertFalse(f.x87.unmaskedExceptionPending());
    }

    @Test
    void fldcwUnmaskingAPendingFlagRaisesEs() {
        f.push(0, 0);
        f.push(1.0);
        f.run(0xD8, 0xF1); // masked ZE
        f.controlWord(0x037B);
        assertTrue(f.x87.unmaskedExceptionPending());
        f.controlWord(0x037F);
        assertFalse(f.x87.unmaskedExceptionPending());
    }

    @Test
    void fnclexClearsFlagsSummaryAndBusyButNotConditionCodes() {
        f.controlWord(0x037F & ~X87.ZE);
        f.push(0, 0);
        f.push(1.0);
        f.run(0xD8, 0xD1); // FCOM: 1 > 0
        f.run(0xD8, 0xF1);
        f.push(-1.0);
        f.run(0xD9, 0xE5); // FXAM: C1 = sign
        f.run(0xDB, 0xE2);
        assertEquals(X87.C1 | X87.C2, f.status() & 0xC7FF);
    }

    @Test
    void stackOverflowSetsC1AndPushesTheIndefinite() {
        for (int i = 0; i < 8; i++) {
            f.run(0xD9, 0xE8);
        }
        f.run(0xD9, 0xEE); // ninth push
        assertEquals(X87.IE | X87.SF | X87.C1, f.status() & (X87.IE | X87.SF | X87.C1));
        assertEquals(0xFFFF, f.st0Se());
        assertEquals(0xC000_0000_0000_0000L, f.st0Sig());
    }

    @Test
    void unmaskedStackOverflowPushesNothing() {
        for (int i = 0; i < 8; i++) {
            f.run(0xD9, 0xE8);
        }
        f.controlWord(0x037E);
        int top = f.top();
        f.run(0xD9, 0xEE);
        assertEquals(top, f.top());
        assertEquals(0x3FFF, f.st0Se());
        assertTrue(f.x87.unmaskedExceptionPending());
    }

    @Test
    void stackUnderflowClearsC1AndWritesTheIndefinite() {
        f.run(0xD9, 0xE0); // FCHS of an empty ST0
        assertEquals(X87.IE | X87.SF, f.status() & (X87.IE | X87.SF | X87.C1));
        assertEquals(0xFFFF, f.st0Se());
    }

    @Test
    void fcomWithAnEmptyOperandReportsUnordered() {
        f.push(1.0);
        f.run(0xD8, 0xD1);
        assertEquals(X87.C3 | X87.C2 | X87.C0, f.status() & (X87.C0 | X87.C2 | X87.C3));
        assertEquals(X87.IE | X87.SF, f.status() & (X87.IE | X87.SF));
    }

    @Test
    void unmaskedInvalidStoreWritesNoMemoryAndDoesNotPop() {
        f.controlWord(0x037E);
        f.push(0x7FFF, J | 1); // SNaN
        f.host.write32(0x200, 0x1234_5678);
        int top = f.top();
        f.run(0xD9, 3, 0x200); // FSTP m32
        assertEquals(0x1234_5678, f.host.read32(0x200));
        assertEquals(top, f.top());
    }

    @Test
    void unmaskedUnderflowOnAStoreSuppressesItWithoutPrecision() {
        f.controlWord(0x037F & ~X87.UE);
        f.push(0x0001, J | 0x1234);
        f.run(0xDD, 2, 0x200); // FST m64 of a tiny value
        assertEquals(0, f.host.read64(0x200));
        assertEquals(X87.UE | X87.ES, f.status() & (X87.UE | X87.PE | X87.ES));
    }

    @Test
    void denormalOperandIsFlaggedForArithmeticButNotForFldM80() {
        f.push(0, 1);
        assertEquals(0, f.status() & X87.DE);
        f.push(1.0);
        f.run(0xD8, 0xC1);
        assertEquals(X87.DE, f.status() & X87.DE);
    }

    @Test
    void fldOfASignalingNaNFromMemoryIsQuietedWithInvalid() {
        f.host.write32(0x200, 0x7F80_0001);
        f.run(0xD9, 0, 0x200);
        assertEquals(0xC000_0100_0000_0000L, f.st0Sig());
        assertEquals(X87.IE, f.status() & X87.IE);
    }
}
