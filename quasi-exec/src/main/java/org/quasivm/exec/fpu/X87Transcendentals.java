package org.quasivm.exec.fpu;

import static org.quasivm.exec.fpu.Float80.BIAS;
import static org.quasivm.exec.fpu.Float80.DENORMAL;
import static org.quasivm.exec.fpu.Float80.EXP_MASK;
import static org.quasivm.exec.fpu.Float80.INFINITY;
import static org.quasivm.exec.fpu.Float80.INTEGER_BIT;
import static org.quasivm.exec.fpu.Float80.QNAN;
import static org.quasivm.exec.fpu.Float80.SIGN;
import static org.quasivm.exec.fpu.Float80.SNAN;
import static org.quasivm.exec.fpu.Float80.UNSUPPORTED;
import static org.quasivm.exec.fpu.Float80.ZERO;

/**
 * F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS and FSINCOS: special operands per the SDM's tables, finite ones
 * evaluated in 128-bit {@link Wide} arithmetic (table-assisted series) and rounded once to the register format
 * under the rounding control, so results are the correctly rounded value in all but rare near-tie cases.
 *
 * <p>FSIN, FCOS, FSINCOS and FPTAN reduce their argument the way x87 hardware does: by multiples of pi/2 where pi is
 * the 66-bit approximation C90FDAA22168C234Ch x 2^-66, computed exactly. Results for large arguments therefore
 * follow the hardware rather than the true sine. Arguments of 2^63 or more are out of range (C2 set, ST0 kept).
 */
final class X87Transcendentals {

    static final int F2XM1 = 0;
    static final int FYL2X = 1;
    static final int FPTAN = 2;
    static final int FPATAN = 3;
    static final int FYL2XP1 = 4;
    static final int FSINCOS = 5;
    static final int FSIN = 6;
    static final int FCOS = 7;

    /** The 66-bit pi of x87 argument reduction is M x 2^-66 for the 68-bit integer M = PI66_HIGH:PI66_LOW. */
    private static final long PI66_HIGH = 0xC90F_DAA2_2168_C234L;
    private static final int PI66_LOW = 0xC;
    /** A series stops once a term is this many binary orders below the sum. */
    private static final int SERIES_CUTOFF = 132;

    private final Float80Arithmetic alu;

    private final Wide x = new Wide();
    private final Wide y = new Wide();
    private final Wide r = new Wide();
    private final Wide r2 = new Wide();
    private final Wide term = new Wide();
    private final Wide power = new Wide();
    private final Wide sum = new Wide();
    private final Wide t = new Wide();
    private final Wide u = new Wide();
    private final Wide sinR = new Wide();
    private final Wide cosR = new Wide();
    private final Wide recip = new Wide();
    private final Wide err = new Wide();
    private final Wide tmp = new Wide();
    private final Wide v = new Wide();
    private final Wide divisionScratch = new Wide();
    private int quadrant;

    X87Transcendentals(Float80Arithmetic alu) {
        this.alu = alu;
    }

    /**
     * One-operand functions of ST0 (F2XM1, FSIN, FCOS, FSINCOS, FPTAN); the ALU's control must be set. Results in
     * the ALU: FSINCOS leaves sin in result and cos in result2, FPTAN tan and 1.0. Returns non-zero (C2) when the
     * argument is out of range and nothing is to change.
     */
    int unary(int function, int se, long sig) {
        alu.flags = 0;
        int c = Float80.classify(se, sig);
        if (c == UNSUPPORTED || c == INFINITY && function != F2XM1) {
            alu.invalid();
            copyToSecond();
            return 0;
        }
        if (c == QNAN || c == SNAN) {
            alu.quietNaN(se, sig);
            copyToSecond();
            return 0;
        }
        boolean negative = (se & SIGN) != 0;
        if (c == INFINITY) { // F2XM1: 2^-inf - 1 = -1
            if (negative) {
                alu.set(SIGN | BIAS, INTEGER_BIT);
            } else {
                alu.setInfinity(0);
            }
            return 0;
        }
        if (c == ZERO) {
            switch (function) {
                case FCOS -> alu.set(BIAS, INTEGER_BIT);
                case FSINCOS, FPTAN -> {
                    alu.set(BIAS, INTEGER_BIT);
                    copyToSecond();
                    alu.set(se, 0);
                }
                default -> alu.set(se, 0);
            }
            return 0;
        }
        if (function != F2XM1 && (se & EXP_MASK) >= BIAS + 63) {
            return X87.C2;
        }
        if (c == DENORMAL) {
            alu.flags |= DE_FLAG;
        }
        x.setFloat80(se, sig);
        switch (function) {
            case F2XM1 -> {
                if (x.exp >= 0 && !(x.exp == 0 && x.hi == INTEGER_BIT && x.lo == 0)) {
                    // |x| > 1 is outside the architectural range: this x87 returns x, inexact.
                    alu.set(se, sig);
                    alu.flags |= X87.PE;
                } else {
                    twoToXMinusOne();
                }
            }
            case FSIN -> {
                sineAndCosine(se, sig);
                pickSine(negative);
                alu.roundWide(sum, false);
            }
            case FCOS -> {
                sineAndCosine(se, sig);
                pickCosine();
                alu.roundWide(sum, false);
            }
            case FSINCOS -> {
                sineAndCosine(se, sig);
                int before = alu.flags;
                pickCosine();
                alu.roundWide(sum, false);
                copyToSecond();
                int cosineFlags = alu.flags;
                alu.flags = before;
                pickSine(negative);
                alu.roundWide(sum, false);
                alu.flags |= cosineFlags & ~X87.C1; // C1 tells how the sine was rounded
            }
            case FPTAN -> {
                sineAndCosine(se, sig);
                if ((quadrant & 1) == 0) {
                    divide(sum, sinR, cosR);
                } else {
                    divide(sum, cosR, sinR);
                    sum.negate();
                }
                if (negative) {
                    sum.negate();
                }
                alu.set(BIAS, INTEGER_BIT);
                copyToSecond();
                alu.roundWide(sum, false);
            }
            default -> throw new IllegalArgumentException("not a one-operand x87 function: " + function);
        }
        return 0;
    }

    private static final int DE_FLAG = X87.DE;

    /** FYL2X, FYL2XP1, FPATAN: the result (for ST1, before the pop) in the ALU's result. */
    void binary(int function, int se0, long sig0, int se1, long sig1) {
        alu.flags = 0;
        int c0 = Float80.classify(se0, sig0);
        int c1 = Float80.classify(se1, sig1);
        if (alu.invalidOrNaN(se0, sig0, c0, se1, sig1, c1)) {
            return;
        }
        boolean denormal = c0 == DENORMAL || c1 == DENORMAL;
        if (denormal && function == FPATAN) {
            alu.flags |= DE_FLAG;
        }
        switch (function) {
            case FYL2X -> {
                logarithm(se0, sig0, c0, se1, sig1, c1);
                flagDenormalUnlessInvalid(denormal);
            }
            case FYL2XP1 -> {
                logarithmOfOnePlus(se0, sig0, c0, se1, sig1, c1);
                flagDenormalUnlessInvalid(denormal);
            }
            case FPATAN -> arctangent(se0, sig0, c0, se1, sig1, c1);
            default -> throw new IllegalArgumentException("not a two-operand x87 function: " + function);
        }
    }

    /** FYL2X/FYL2XP1 check invalid and zero-divide operands before denormal ones. */
    private void flagDenormalUnlessInvalid(boolean denormal) {
        if (denormal && (alu.flags & (X87.IE | X87.ZE)) == 0) {
            alu.flags |= DE_FLAG;
        }
    }

    private void copyToSecond() {
        alu.result2Se = alu.resultSe;
        alu.result2Sig = alu.resultSig;
    }

    // ---------------------------------------------------------------------------------------------------------
    // F2XM1.

    /** 2^x - 1 = expm1(x ln 2) by its Taylor series (|x ln 2| <= 0.7 in the architectural range). */
    private void twoToXMinusOne() {
        t.multiply(x, WideConstants.LN2);
        sum.set(t);
        term.set(t);
        for (int k = 2; k < 200; k++) {
            term.multiply(term, t);
            term.divide(term, k);
            sum.add(sum, term);
            if (negligible(term, sum)) {
                break;
            }
        }
        alu.roundWide(sum, false);
    }

    // ---------------------------------------------------------------------------------------------------------
    // FSIN, FCOS, FSINCOS, FPTAN.

    /** Reduces |x| by the x87's pi/2 (setting {@link #quadrant}) and leaves sin and cos of the remainder. */
    private void sineAndCosine(int se, long sig) {
        reduce(se, sig);
        r2.multiply(r, r);
        sum.set(r);
        term.set(r);
        for (int k = 1; k < 60; k++) {
            term.multiply(term, r2);
            term.divide(term, (2 * k) * (2 * k + 1));
            if ((k & 1) != 0) {
                sum.subtract(sum, term);
            } else {
                sum.add(sum, term);
            }
            if (negligible(term, sum)) {
                break; // the first negligible term is in (jammed): it fixes the direction of the rest
            }
        }
        sinR.set(sum);
        sum.set(Wide.ONE);
        term.set(Wide.ONE);
        for (int k = 1; k < 60; k++) {
            term.multiply(term, r2);
            term.divide(term, (2 * k - 1) * (2 * k));
            if ((k & 1) != 0) {
                sum.subtract(sum, term);
            } else {
                sum.add(sum, term);
            }
            if (negligible(term, sum)) {
                break; // the first negligible term is in (jammed): it fixes the direction of the rest
            }
        }
        cosR.set(sum);
    }

    /**
     * r = |x| - k * P/2 exactly, k the nearest integer to |x| / (P/2) and P the x87's 66-bit pi, computed in
     * fixed point with unit 2^-67 (|x| < 2^63, so |x| fits 130 bits and k * M 131).
     */
    private void reduce(int se, long sig) {
        int shift = Long.numberOfLeadingZeros(sig);
        long m = sig << shift;
        int e = Math.max(se & EXP_MASK, 1) - shift - BIAS; // |x| = m * 2^(e - 63)
        if (e < -1) { // below 0.5 < pi/4: no reduction
            quadrant = 0;
            r.setFloat80(se & EXP_MASK, sig);
            return;
        }
        x.negative = false;
        t.multiply(x, WideConstants.TWO_OVER_PI66);
        long k = nearestInteger(t);
        quadrant = (int) (k & 3);
        // X = m * 2^(e + 4) in three words (e + 4 is 3..66).
        int s = e + 4;
        long x0;
        long x1;
        long x2;
        if (s < 64) {
            x0 = m << s;
            x1 = s == 0 ? 0 : m >>> (64 - s);
            x2 = 0;
        } else {
            x0 = 0;
            x1 = m << (s - 64);
            x2 = s == 64 ? 0 : m >>> (128 - s);
        }
        // K = k * M = k * PI66_HIGH * 16 + k * 12.
        long pLow = k * PI66_HIGH;
        long pHigh = Float80Arithmetic.unsignedMultiplyHigh(k, PI66_HIGH);
        long k0 = pLow << 4;
        long k1 = pHigh << 4 | pLow >>> 60;
        long k2 = pHigh >>> 60;
        long addLow = k * PI66_LOW;
        long addHigh = Float80Arithmetic.unsignedMultiplyHigh(k, PI66_LOW);
        long n0 = k0 + addLow;
        long carry = Long.compareUnsigned(n0, k0) < 0 ? 1 : 0;
        long n1 = k1 + addHigh + carry;
        long n2 = k2 + (Long.compareUnsigned(n1, k1) < 0 ? 1 : 0);
        // R = X - K, small enough to sit in the low two words as a signed 128-bit number.
        long d0 = x0 - n0;
        long borrow = Long.compareUnsigned(x0, n0) < 0 ? 1 : 0;
        long d1 = x1 - n1 - borrow;
        boolean remainderNegative = d1 < 0;
        if (remainderNegative) {
            d0 = -d0;
            d1 = ~d1 + (d0 == 0 ? 1 : 0);
        }
        if (x2 - n2 - ((Long.compareUnsigned(x1, n1) < 0 || (borrow == 1 && x1 == n1)) ? 1 : 0)
                != (remainderNegative ? -1 : 0)) {
            throw new IllegalStateException("x87 argument reduction out of range");
        }
        r.negative = remainderNegative;
        r.hi = d1;
        r.lo = d0;
        r.exp = 127 - 67;
        normalizeInPlace(r);
    }

    private static void normalizeInPlace(Wide w) {
        if (w.hi == 0) {
            w.hi = w.lo;
            w.lo = 0;
            w.exp -= 64;
        }
        int shift = Long.numberOfLeadingZeros(w.hi);
        if (shift != 0 && shift < 64) {
            w.hi = w.hi << shift | w.lo >>> (64 - shift);
            w.lo <<= shift;
            w.exp -= shift;
        }
    }

    private static long nearestInteger(Wide w) {
        if (w.isZero() || w.exp < -1) {
            return 0;
        }
        int e = w.exp; // value = hi / 2^63 * 2^e, below 2^63
        long integer = w.hi >>> (63 - e);
        long fractionTop = e == 63 ? 0 : (w.hi << (e + 1)); // bits below the binary point, left-aligned
        if (e == -1) {
            integer = 0;
            fractionTop = w.hi;
        }
        return fractionTop < 0 ? integer + 1 : integer;
    }

    /** sum = sin |x| from the reduced sin/cos: sin r, cos r, -sin r, -cos r by quadrant; negated if asked. */
    private void pickSine(boolean negate) {
        sum.set((quadrant & 1) == 0 ? sinR : cosR);
        if ((quadrant >= 2) != negate) {
            sum.negate();
        }
    }

    /** sum = cos x: cos r, -sin r, -cos r, sin r by quadrant. */
    private void pickCosine() {
        sum.set((quadrant & 1) == 0 ? cosR : sinR);
        if (quadrant == 1 || quadrant == 2) {
            sum.negate();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // FYL2X, FYL2XP1.

    /** ST1 * log2(ST0) with the SDM's table for zeros, ones and infinities. */
    private void logarithm(int se0, long sig0, int c0, int se1, long sig1, int c1) {
        boolean xNegative = (se0 & SIGN) != 0;
        boolean yNegative = (se1 & SIGN) != 0;
        if (c0 == ZERO) {
            if (c1 == ZERO) {
                alu.invalid();
            } else {
                if (c1 != INFINITY) {
                    alu.flags |= X87.ZE;
                }
                alu.setInfinity(yNegative ? 0 : SIGN); // log2(0) = -inf
            }
            return;
        }
        if (xNegative) {
            alu.invalid();
            return;
        }
        boolean xIsOne = c0 != INFINITY && (se0 & EXP_MASK) == BIAS && sig0 == INTEGER_BIT;
        if (c0 == INFINITY) {
            if (c1 == ZERO) {
                alu.invalid();
            } else {
                alu.setInfinity(se1 & SIGN);
            }
            return;
        }
        if (xIsOne) {
            if (c1 == INFINITY) {
                alu.invalid();
            } else {
                alu.set(se1 & SIGN, 0);
            }
            return;
        }
        boolean belowOne = (se0 & EXP_MASK) < BIAS;
        if (c1 == INFINITY) {
            alu.setInfinity((se1 & SIGN) ^ (belowOne ? SIGN : 0));
            return;
        }
        if (c1 == ZERO) {
            alu.set((se1 & SIGN) ^ (belowOne ? SIGN : 0), 0);
            return;
        }
        x.setFloat80(se0, sig0);
        boolean exact = log2(x, u);
        y.setFloat80(se1, sig1);
        sum.multiply(u, y);
        alu.roundWide(sum, exact);
    }

    /** ST1 * log2(ST0 + 1); zeros and infinities per the SDM, arguments below -1 invalid. */
    private void logarithmOfOnePlus(int se0, long sig0, int c0, int se1, long sig1, int c1) {
        boolean xNegative = (se0 & SIGN) != 0;
        int sign = (se0 ^ se1) & SIGN;
        if (c0 == ZERO) {
            if (c1 == INFINITY) {
                alu.invalid();
            } else {
                alu.set(sign, 0);
            }
            return;
        }
        x.setFloat80(se0, sig0);
        if (xNegative && x.exp >= 0 && c0 != INFINITY) {
            // x <= -1 is outside the architectural range: this x87 returns x, inexact (a zero y gives zero).
            if (c1 == ZERO) {
                alu.set(sign, 0);
            } else if (c1 == INFINITY) {
                alu.setInfinity(sign);
            } else {
                alu.set(se0, sig0);
                alu.flags |= X87.PE;
            }
            return;
        }
        if (c0 == INFINITY) {
            if (xNegative) {
                alu.invalid();
            } else if (c1 == ZERO) {
                alu.invalid();
            } else {
                alu.setInfinity(se1 & SIGN);
            }
            return;
        }
        if (c1 == INFINITY) {
            alu.setInfinity(sign);
            return;
        }
        if (c1 == ZERO) {
            alu.set(sign, 0);
            return;
        }
        if (x.exp < -2) {
            // ln(1 + x) = 2 atanh(x / (2 + x)) directly: no table needed for |x| < 1/4.
            tmp.setLong(2);
            tmp.add(tmp, x);
            divide(t, x, tmp);
            atanhSeries(t);
            sum.scale(1);
            u.multiply(sum, WideConstants.LOG2E);
        } else {
            v.add(Wide.ONE, x);
            log2(v, u);
        }
        y.setFloat80(se1, sig1);
        sum.multiply(u, y);
        alu.roundWide(sum, false);
    }

    /**
     * out = log2(in) for a positive in: exponent plus ln(c) + 2 atanh((m - c) / (m + c)) scaled by log2(e), with
     * c = 1 + j/32 the table point nearest the significand m. Returns whether the result is exact (in a power of 2).
     */
    private boolean log2(Wide in, Wide out) {
        int e = in.exp;
        if (in.hi == INTEGER_BIT && in.lo == 0) {
            out.setLong(e);
            return true;
        }
        // m = in.hi:in.lo / 2^127 in [1, 2); j = round((m - 1) * 32).
        int j = (int) (((in.hi & Long.MAX_VALUE) + (1L << 57)) >>> 58);
        tmp.set(in);
        tmp.exp = 0;
        tmp.negative = false;
        if (j == WideConstants.STEPS) {
            // Just below 2: use m/2 against c = 1, so a result near 0 (in just below 1) does not cancel.
            j = 0;
            e++;
            tmp.exp = -1;
        }
        power.setLong(WideConstants.STEPS + j);
        power.scale(-5); // c = 1 + j/32
        term.subtract(tmp, power);
        t.add(tmp, power);
        divide(r, term, t);
        atanhSeries(r);
        sum.scale(1);
        sum.add(sum, WideConstants.LN[j]);
        out.multiply(sum, WideConstants.LOG2E);
        tmp.setLong(e);
        out.add(out, tmp);
        return false;
    }

    /** sum = atanh(s) = s + s^3/3 + s^5/5 + ... */
    private void atanhSeries(Wide s) {
        sum.set(s);
        power.set(s);
        r2.multiply(s, s);
        for (int k = 1; k < 200; k++) {
            power.multiply(power, r2);
            term.divide(power, 2 * k + 1);
            sum.add(sum, term);
            if (negligible(term, sum)) {
                break;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // FPATAN.

    /** atan2(ST1, ST0) with the SDM's table for zeros and infinities (no exception for them). */
    private void arctangent(int se0, long sig0, int c0, int se1, long sig1, int c1) {
        boolean xNegative = (se0 & SIGN) != 0;
        boolean yNegative = (se1 & SIGN) != 0;
        Wide special = null;
        if (c1 == ZERO) {
            if (xNegative) {
                special = WideConstants.PI;
            } else {
                alu.set(se1 & SIGN, 0);
                return;
            }
        } else if (c1 == INFINITY) {
            if (c0 == INFINITY) {
                special = xNegative ? WideConstants.THREE_QUARTER_PI : WideConstants.QUARTER_PI;
            } else {
                special = WideConstants.HALF_PI;
            }
        } else if (c0 == ZERO) {
            special = WideConstants.HALF_PI;
        } else if (c0 == INFINITY) {
            if (xNegative) {
                special = WideConstants.PI;
            } else {
                alu.set(se1 & SIGN, 0);
                return;
            }
        }
        if (special != null) {
            sum.set(special);
        } else {
            x.setFloat80(se0 & EXP_MASK, sig0);
            y.setFloat80(se1 & EXP_MASK, sig1);
            boolean swap = compareMagnitude(y, x) > 0;
            if (swap) {
                divide(u, x, y);
            } else {
                divide(u, y, x);
            }
            // u = z in [0, 1]; atan z = atan(c) + atan((z - c) / (1 + z c)), c = j/32 nearest z.
            int j = u.exp >= 0 ? WideConstants.STEPS : u.exp < -6 ? 0
                    : (int) (((u.hi >>> (57 - u.exp)) + 1) >>> 1);
            power.setLong(j);
            power.scale(-5);
            term.subtract(u, power);
            tmp.multiply(u, power);
            tmp.add(Wide.ONE, tmp);
            divide(t, term, tmp);
            atanSeries(t);
            sum.add(sum, WideConstants.ATAN[j]);
            if (swap) {
                sum.subtract(WideConstants.HALF_PI, sum);
            }
            if (xNegative) {
                sum.subtract(WideConstants.PI, sum);
            }
        }
        if (yNegative) {
            sum.negate();
        }
        alu.roundWide(sum, false);
    }

    /** sum = atan(s) = s - s^3/3 + s^5/5 - ... */
    private void atanSeries(Wide s) {
        sum.set(s);
        power.set(s);
        r2.multiply(s, s);
        for (int k = 1; k < 200; k++) {
            power.multiply(power, r2);
            term.divide(power, 2 * k + 1);
            if ((k & 1) != 0) {
                sum.subtract(sum, term);
            } else {
                sum.add(sum, term);
            }
            if (negligible(term, sum)) {
                break; // the first negligible term is in (jammed): it fixes the direction of the rest
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers.

    private static boolean negligible(Wide term, Wide sum) {
        return term.isZero() || !sum.isZero() && term.exp < sum.exp - SERIES_CUTOFF;
    }

    private static int compareMagnitude(Wide a, Wide b) {
        if (a.exp != b.exp) {
            return a.exp < b.exp ? -1 : 1;
        }
        int c = Long.compareUnsigned(a.hi, b.hi);
        return c != 0 ? c : Long.compareUnsigned(a.lo, b.lo);
    }

    /** q = a / b: a 62-bit reciprocal of b refined by two Newton steps, then one correction of the quotient. */
    private void divide(Wide q, Wide a, Wide b) {
        long approx = Float80Arithmetic.quotient128(1L << 62, 0, b.hi); // ~2^126 / b.hi
        Wide w = divisionScratch;
        recip.setLong(approx);
        recip.exp -= 63 + b.exp;
        recip.negative = b.negative;
        for (int i = 0; i < 2; i++) {
            err.multiply(b, recip);
            err.subtract(Wide.ONE, err);
            w.multiply(recip, err);
            recip.add(recip, w);
        }
        w.multiply(a, recip);
        err.multiply(w, b);
        err.subtract(a, err);
        err.multiply(err, recip);
        q.add(w, err);
    }
}
