package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Rounding, precision control and special values, with expectations worked out from the Intel SDM vol. 1 ch. 4/8. */
class X87ArithmeticTest {

    private static final int ONE = 0x3FFF;
    private static final long J = 0x8000_0000_0000_0000L;
    private static final int CW_NEAREST = 0x037F;
    private static final int CW_DOWN = 0x077F;
    private static final int CW_UP = 0x0B7F;
    private static final int CW_CHOP = 0x0F7F;

    private final X87Fixture f = new X87Fixture();

    private void divideOneByThree(int cw) {
        f.controlWord(cw);
        f.push(3.0);
        f.push(1.0);
        f.run(0xD8, 0xF1); // FDIV ST0, ST1
    }

    @Test
    void oneThirdRoundsToNearestDownwards() {
        divideOneByThree(CW_NEAREST);
        assertEquals(X87Fixture.hex(ONE - 2, 0xAAAA_AAAA_AAAA_AAABL), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.PE | X87.C1, f.status() & (X87.PE | X87.C1), "inexact, rounded up");
    }

    @Test
    void oneThirdChoppedIsTruncatedWithoutC1() {
        divideOneByThree(CW_CHOP);
        assertEquals(0xAAAA_AAAA_AAAA_AAAAL, f.st0Sig());
        assertEquals(X87.PE, f.status() & (X87.PE | X87.C1));
    }

    @Test
    void precisionControl24RoundsTheQuotientToASingleSignificand() {
        divideOneByThree(0x007F); // PC = 00b: 24 bits, nearest
        assertEquals(0xAAAA_AB00_0000_0000L, f.st0Sig());
    }

    @Test
    void precisionControl53RoundsTheQuotientToADoubleSignificand() {
        divideOneByThree(0x027F);
        assertEquals(0xAAAA_AAAA_AAAA_A800L, f.st0Sig());
    }

    @Test
    void tieAtTwentyFourBitsRoundsToEven() {
        f.controlWord(0x007F);
        f.push(0x3FE7, J);            // 2^-24: exactly half an ulp of 1.0 at 24 bits
        f.push(ONE, J);
        f.run(0xD8, 0xC1);            // 1 + 2^-24 -> 1 (even)
        assertEquals(J, f.st0Sig());
        assertEquals(ONE, f.st0Se());
    }

    @Test
    void exactCancellationGivesPositiveZeroExceptRoundingDown() {
        f.push(1.5);
        f.push(1.5);
        f.run(0xD8, 0xE1); // FSUB
        assertEquals(0x0000, f.st0Se());
        f.run(0xDB, 0xE3);
        f.controlWord(CW_DOWN);
        f.push(1.5);
        f.push(1.5);
        f.run(0xD8, 0xE1);
        assertEquals(0x8000, f.st0Se());
    }

    @Test
    void fldpiLastBitFollowsRoundingControl() {
        int[] cws = {CW_NEAREST, CW_DOWN, CW_UP, CW_CHOP};
        long[] expected = {0xC90F_DAA2_2168_C235L, 0xC90F_DAA2_2168_C234L, 0xC90F_DAA2_2168_C235L,
                0xC90F_DAA2_2168_C234L};
        for (int i = 0; i < cws.length; i++) {
            f.run(0xDB, 0xE3);
            f.controlWord(cws[i]);
            f.run(0xD9, 0xEB);
            assertEquals(expected[i], f.st0Sig(), "rounding control " + i);
        }
    }

    @Test
    void fldl2tRoundsDownToNearestAndUpOnlyUnderRoundUp() {
        f.run(0xD9, 0xE9);
        assertEquals(0xD49A_784B_CD1B_8AFEL, f.st0Sig());
        f.run(0xDB, 0xE3);
        f.controlWord(CW_UP);
        f.run(0xD9, 0xE9);
        assertEquals(0xD49A_784B_CD1B_8AFFL, f.st0Sig());
    }

    @Test
    void zeroTimesInfinityIsInvalidAndGivesTheIndefinite() {
        f.push(0x7FFF, J);
        f.push(0, 0);
        f.run(0xD8, 0xC9);
        assertEquals(X87Fixture.hex(0xFFFF, 0xC000_0000_0000_0000L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.IE, f.status() & X87.IE);
    }

    @Test
    void signalingNaNIsQuietedAndRaisesInvalid() {
        f.push(1.0);
        f.push(0x7FFF, 0x8000_0000_0000_0001L);
        f.run(0xD8, 0xC1);
        assertEquals(0xC000_0000_0000_0001L, f.st0Sig());
        assertEquals(X87.IE, f.status() & X87.IE);
    }

    @Test
    void largerSignificandWinsBetweenTwoQuietNaNs() {
        f.push(0xFFFF, 0xC000_0000_0000_0001L);
        f.push(0x7FFF, 0xC000_0000_0000_0002L);
        f.run(0xD8, 0xC1);
        assertEquals(X87Fixture.hex(0x7FFF, 0xC000_0000_0000_0002L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(0, f.status() & X87.IE);
    }

    @Test
    void unnormalOperandIsInvalid() {
        f.push(1.0);
        f.push(ONE, 0x4000_0000_0000_0000L); // integer bit clear: unsupported since the 387
        f.run(0xD8, 0xC1);
        assertEquals(0xFFFF, f.st0Se());
        assertEquals(X87.IE, f.status() & X87.IE);
    }

    @Test
    void divisionByZeroGivesSignedInfinity() {
        f.push(0x8000, 0);
        f.push(1.0);
        f.run(0xD8, 0xF1);
        assertEquals(X87Fixture.hex(0xFFFF, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.ZE, f.status() & X87.ZE);
    }

    @Test
    void maskedOverflowRoundsToInfinityOrLargestByRoundingControl() {
        f.push(0x7FFE, J);
        f.push(0x7FFE, J);
        f.run(0xD8, 0xC9);
        assertEquals(X87Fixture.hex(0x7FFF, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.OE | X87.PE | X87.C1, f.status() & (X87.OE | X87.PE | X87.C1));
        f.run(0xDB, 0xE3);
        f.controlWord(CW_CHOP);
        f.push(0x7FFE, J);
        f.push(0x7FFE, J);
        f.run(0xD8, 0xC9);
        assertEquals(X87Fixture.hex(0x7FFE, -1L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void unmaskedOverflowDeliversTheResultScaledDownBy24576() {
        f.controlWord(CW_NEAREST & ~X87.OE);
        f.push(0x7FFE, J);
        f.push(0x4001, J); // 4
        f.run(0xD8, 0xC9);
        assertEquals(X87Fixture.hex(0x7FFE + 2 - 24576, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.OE | X87.ES, f.status() & (X87.OE | X87.ES));
    }

    @Test
    void maskedUnderflowDenormalizesAndFlagsOnlyWhenInexact() {
        f.push(0x0001, J);          // smallest normal
        f.push(0x3FFE, J);          // 0.5
        f.run(0xD8, 0xC9);          // exact denormal: no UE
        assertEquals(X87Fixture.hex(0, 0x4000_0000_0000_0000L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(0, f.status() & (X87.UE | X87.PE));
        f.push(0x0001, J | 1);
        f.push(0x3FFE, J);
        f.run(0xD8, 0xC9);          // loses its last bit: UE and PE
        assertEquals(X87.UE | X87.PE, f.status() & (X87.UE | X87.PE));
    }

    @Test
    void squareRootOfTwoIsCorrectlyRounded() {
        f.push(2.0);
        f.run(0xD9, 0xFA);
        assertEquals(X87Fixture.hex(ONE, 0xB504_F333_F9DE_6484L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void squareRootOfMinusZeroIsMinusZeroAndOfMinusOneInvalid() {
        f.push(0x8000, 0);
        f.run(0xD9, 0xFA);
        assertEquals(0x8000, f.st0Se());
        f.push(-1.0);
        f.run(0xD9, 0xFA);
        assertEquals(0xFFFF, f.st0Se());
        assertEquals(X87.IE, f.status() & X87.IE);
    }

    @Test
    void frndintRoundsHalfToEvenAndChopTowardZero() {
        f.push(2.5);
        f.run(0xD9, 0xFC);
        assertEquals(X87Fixture.hex(0x4000, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        f.controlWord(CW_CHOP);
        f.push(-2.5);
        f.run(0xD9, 0xFC);
        assertEquals(X87Fixture.hex(0xC000, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void fscaleTruncatesTheScaleTowardZero() {
        f.push(-2.75);
        f.push(3.0);
        f.run(0xD9, 0xFD); // 3 * 2^-2
        assertEquals(X87Fixture.hex(0x3FFE, 0xC000_0000_0000_0000L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void fxtractSplitsExponentAndSignificand() {
        f.push(-12.0);
        f.run(0xD9, 0xF4);
        assertEquals(X87Fixture.hex(0xBFFF, 0xC000_0000_0000_0000L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87Fixture.hex(0x4000, 0xC000_0000_0000_0000L), X87Fixture.hex(f.sti(1), f.stiSig(1))); // 3
    }

    @Test
    void fxtractOfZeroIsZeroDivideWithMinusInfinityExponent() {
        f.push(0, 0);
        f.run(0xD9, 0xF4);
        assertEquals(X87Fixture.hex(0xFFFF, J), X87Fixture.hex(f.sti(1), f.stiSig(1)));
        assertEquals(X87.ZE, f.status() & X87.ZE);
    }

    @Test
    void fpremGivesTheTruncatedRemainderAndQuotientBits() {
        f.push(3.0);
        f.push(17.0);
        f.run(0xD9, 0xF8); // 17 = 5 * 3 + 2: Q = 101b
        assertEquals(X87Fixture.hex(0x4000, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.C0 | X87.C1, f.status() & (X87.C0 | X87.C1 | X87.C2 | X87.C3));
    }

    @Test
    void fprem1GivesTheNearestRemainder() {
        f.push(3.0);
        f.push(17.0);
        f.run(0xD9, 0xF5); // 17 = 6 * 3 - 1: Q = 110b
        assertEquals(X87Fixture.hex(0xBFFF, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.C0 | X87.C3, f.status() & (X87.C0 | X87.C1 | X87.C2 | X87.C3));
    }

    @Test
    void fpremWithAHugeQuotientIsPartialUntilC2Clears() {
        f.push(3.0);
        f.push(0x3FFF + 200, 0xABCD_EF01_2345_6789L);
        int steps = 0;
        do {
            f.run(0xD9, 0xF8);
            steps++;
        } while ((f.status() & X87.C2) != 0 && steps < 20);
        assertEquals(0, f.status() & X87.C2);
        assertEquals(true, steps > 1, "needs more than one step");
        java.math.BigInteger x = java.math.BigInteger.valueOf(0xABCD_EF01_2345_6789L).and(
                java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE)).shiftLeft(200 - 63);
        long expected = x.mod(java.math.BigInteger.valueOf(3)).longValue();
        double actual = Math.scalb((double) (f.st0Sig() >>> 11), (f.st0Se() & 0x7FFF) - 0x3FFF - 52);
        assertEquals(expected, actual, 0.0);
    }

    @Test
    void fistOfAnOutOfRangeValueStoresTheIntegerIndefinite() {
        f.push(70000.0);
        f.run(0xDF, 2, X87Fixture.SCRATCH + 16); // FIST m16
        assertEquals(0x8000, f.host.read16(X87Fixture.SCRATCH + 16));
        assertEquals(X87.IE, f.status() & X87.IE);
    }

    @Test
    void fbstpAndFbldRoundTripEighteenDigits() {
        f.host.write64(0x200, 0x1234_5678_9012_3456L);
        f.host.write16(0x208, 0x8078);
        f.run(0xDF, 4, 0x200); // FBLD -781234567890123456
        f.run(0xDF, 6, 0x300); // FBSTP
        assertEquals(0x1234_5678_9012_3456L, f.host.read64(0x300));
        assertEquals(0x8078, f.host.read16(0x308));
    }

    @Test
    void fstToSingleRoundsAndFlagsInexact() {
        f.push(1.0 / 3.0);
        f.run(0xD9, 2, 0x200); // FST m32
        assertEquals(Float.floatToRawIntBits(1.0f / 3.0f), f.host.read32(0x200));
        assertEquals(X87.PE, f.status() & X87.PE);
    }

    @Test
    void fcomiSetsZeroParityAndCarryForUnordered() {
        f.push(0x7FFF, 0xC000_0000_0000_0000L);
        f.push(1.0);
        f.run(0xDB, 0xE9); // FUCOMI: QNaN is unordered without IE
        assertEquals(true, f.host.zf && f.host.pf && f.host.cf);
        assertEquals(0, f.status() & X87.IE);
        f.run(0xDB, 0xF1); // FCOMI: IE for a QNaN
        assertEquals(X87.IE, f.status() & X87.IE);
    }

    @Test
    void fxamClassifiesEmptyDenormalAndNegative() {
        f.run(0xD9, 0xE5);
        assertEquals(X87.C3 | X87.C0, f.status() & (X87.C0 | X87.C2 | X87.C3));
        f.push(0x8000, 1);
        f.run(0xD9, 0xE5);
        assertEquals(X87.C3 | X87.C2 | X87.C1, f.status() & (X87.C0 | X87.C1 | X87.C2 | X87.C3));
    }
}
