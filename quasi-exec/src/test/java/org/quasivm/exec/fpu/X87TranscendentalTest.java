package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Transcendental instructions: range limits, pushed results and values checked against known constants. */
class X87TranscendentalTest {

    private static final long J = 0x8000_0000_0000_0000L;

    private final X87Fixture f = new X87Fixture();

    @Test
    void fsinOfTwoToTheSixtyThreeIsOutOfRangeAndLeavesST0() {
        f.push(0x3FFF + 63, J);
        f.run(0xD9, 0xFE);
        assertEquals(X87.C2, f.status() & X87.C2);
        assertEquals(X87Fixture.hex(0x3FFF + 63, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void fptanPushesOneAfterTheTangent() {
        f.push(0.0);
        f.run(0xD9, 0xF2);
        assertEquals(X87Fixture.hex(0x3FFF, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(0, f.sti(1));
        assertEquals(0, f.status() & X87.C2);
    }

    @Test
    void fsincosLeavesTheCosineOnTopOfTheSine() {
        f.push(0x8000, 0); // -0
        f.run(0xD9, 0xFB);
        assertEquals(0x3FFF, f.st0Se(), "cos -0 = 1");
        assertEquals(0x8000, f.sti(1), "sin -0 = -0");
    }

    @Test
    void fpatanOfOneOverMinusOneIsThreeQuartersPi() {
        f.push(1.0);  // ST1 = y
        f.push(-1.0); // ST0 = x
        f.run(0xD9, 0xF3);
        // 3pi/4 = 2.35619449019234492885 = 0x4000:96CBE3F9990E91A7 9... (rounds to ...91A8)
        assertEquals(X87Fixture.hex(0x4000, 0x96CB_E3F9_990E_91A8L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void fsinOfPiUsesTheX87ReductionConstant() {
        f.run(0xD9, 0xEB); // FLDPI (rounded up: C235)
        f.run(0xD9, 0xFE);
        // x - P where P = C90FDAA22168C234C x 2^-66: (C90FDAA22168C235 x 2^4 - C90FDAA22168C234C) x 2^-66 = 4 x 2^-66
        // and sin(pi - r) = sin(r): the result is -(x - P) to within its cubic term: -2^-64.
        assertEquals(X87Fixture.hex(0xBFFF - 64, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void fyl2xJustBelowOneKeepsFullPrecision() {
        f.push(256.0);
        f.push(0x3FFE, 0xFFFF_FFFF_FFFF_FFFEL); // 1 - 2^-63
        f.run(0xD9, 0xF1);
        // 256 * log2(1 - 2^-63) = -2^-55 * log2(e) (1 + 2^-64): log2(e) = B8AA3B295C17F0BB.BE87...
        assertEquals(X87Fixture.hex(0xBFC8, 0xB8AA_3B29_5C17_F0BCL), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void fyl2xOfAPowerOfTwoIsExactButStillFlagsPrecision() {
        f.push(3.0);
        f.push(8.0);
        f.run(0xD9, 0xF1);
        assertEquals(X87Fixture.hex(0x4002, 0x9000_0000_0000_0000L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.PE, f.status() & X87.PE);
    }

    @Test
    void fyl2xOfZeroIsAZeroDivide() {
        f.push(1.0);
        f.push(0.0);
        f.run(0xD9, 0xF1);
        assertEquals(X87Fixture.hex(0xFFFF, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
        assertEquals(X87.ZE, f.status() & X87.ZE);
    }

    @Test
    void f2xm1OfMinusOneIsMinusOneHalf() {
        f.push(-1.0);
        f.run(0xD9, 0xF0);
        assertEquals(X87Fixture.hex(0xBFFE, J), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }

    @Test
    void fyl2xp1OfOneHalfTimesTwoIsLog2OfOneAndAHalfTwice() {
        f.push(2.0);
        f.push(0.25);
        f.run(0xD9, 0xF9);
        // 2 * log2(1.25) = 0.64385618977472469574 = 0x3FFE:A4D3C25E68DC57F2 2... -> ...57F2
        assertEquals(X87Fixture.hex(0x3FFE, 0xA4D3_C25E_68DC_57F2L), X87Fixture.hex(f.st0Se(), f.st0Sig()));
    }
}
