package org.quasivm.exec.fpu;

import static org.quasivm.exec.fpu.Float80.BIAS;
import static org.quasivm.exec.fpu.Float80.DENORMAL;
import static org.quasivm.exec.fpu.Float80.EXP_MASK;
import static org.quasivm.exec.fpu.Float80.INFINITY;
import static org.quasivm.exec.fpu.Float80.INTEGER_BIT;
import static org.quasivm.exec.fpu.Float80.NORMAL;
import static org.quasivm.exec.fpu.Float80.QNAN;
import static org.quasivm.exec.fpu.Float80.QUIET_BIT;
import static org.quasivm.exec.fpu.Float80.SIGN;
import static org.quasivm.exec.fpu.Float80.SNAN;
import static org.quasivm.exec.fpu.Float80.UNSUPPORTED;
import static org.quasivm.exec.fpu.Float80.ZERO;

/**
 * Software double-extended arithmetic with the x87's rounding, precision control, exception flags and special-value
 * rules (Intel SDM vol. 1, chapters 4 and 8). One instance per x87; no allocation.
 *
 * <p>Each operation starts from {@link #control}'s settings, clears {@link #flags} and leaves its value in
 * {@link #resultSe}/{@link #resultSig} (a second value, where there is one, in {@link #result2Se}/{@link #result2Sig}).
 * {@link #flags} uses the status-word bit positions: IE, DE, ZE, OE, UE, PE, and C1 for "rounded up". Results that an
 * unmasked exception would suppress are still computed; the x87 decides what to store. Overflow and underflow with
 * the exception unmasked deliver the result with its exponent adjusted by 24576 (SDM vol. 1, 8.5.4, 8.5.5).
 *
 * <p>Internally a finite value is (sign, exponent, sig0:sig1): the 128-bit significand has its binary point after bit
 * 63 of sig0 and the exponent is biased like the register format but unbounded.
 */
final class Float80Arithmetic {

    static final int LESS = 0;
    static final int EQUAL = 1;
    static final int GREATER = 2;
    static final int UNORDERED = 3;

    static final int RC_NEAREST = 0;
    static final int RC_DOWN = 1;
    static final int RC_UP = 2;
    static final int RC_CHOP = 3;

    private static final int IE = X87.IE;
    private static final int DE = X87.DE;
    private static final int ZE = X87.ZE;
    private static final int OE = X87.OE;
    private static final int UE = X87.UE;
    private static final int PE = X87.PE;
    private static final int C1 = X87.C1;

    /** Overflow/underflow with the exception unmasked rescale the result by 2^(-/+24576). */
    private static final int BIAS_ADJUST = 24576;

    /** Exponent range of the formats, as register-format biased exponents of their smallest/largest normals. */
    static final int EXT_MIN_EXP = 1;
    static final int EXT_MAX_EXP = 0x7FFE;
    static final int DOUBLE_MIN_EXP = BIAS - 1023 + 1;
    static final int DOUBLE_MAX_EXP = BIAS + 1023;
    static final int SINGLE_MIN_EXP = BIAS - 127 + 1;
    static final int SINGLE_MAX_EXP = BIAS + 127;

    int resultSe;
    long resultSig;
    int result2Se;
    long result2Sig;
    int flags;

    /** {@link #memoryDenormal} bits: the x or y operand was converted from a float32/float64 denormal. */
    static final int X_FROM_DENORMAL = 1;
    static final int Y_FROM_DENORMAL = 2;

    /**
     * Set by the x87 after {@link #control} for an operand converted from m32fp/m64fp: the value is normal in the
     * register format, but the source was denormal, so DE is due (unless a NaN takes precedence).
     */
    int memoryDenormal;

    private int roundingControl;
    private int precision;
    private int masks;

    // Unpacked operands (normalized: bit 63 set) and scratch for 128-bit helpers.
    private int aSign;
    private int aExp;
    private long aSig;
    private int bSign;
    private int bExp;
    private long bSig;
    private long t0;
    private long t1;
    private long remainder;

    /** Takes rounding control, precision control and the exception masks from a control word; clears the flags. */
    void control(int cw) {
        roundingControl = (cw >> 10) & 3;
        precision = switch ((cw >> 8) & 3) {
            case 0 -> 24;
            case 2 -> 53;
            default -> 64; // 11b, and the reserved 01b
        };
        masks = cw & X87.EXCEPTION_FLAGS;
        flags = 0;
        memoryDenormal = 0;
    }

    private int operandClass(int se, long sig, int denormalBit) {
        int c = Float80.classify(se, sig);
        return c == NORMAL && (memoryDenormal & denormalBit) != 0 ? DENORMAL : c;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Basic arithmetic.

    void add(int xSe, long xSig, int ySe, long ySig) {
        addOrSubtract(xSe, xSig, ySe, ySig, false);
    }

    void subtract(int xSe, long xSig, int ySe, long ySig) {
        addOrSubtract(xSe, xSig, ySe, ySig, true);
    }

    private void addOrSubtract(int xSe, long xSig, int ySe, long ySig, boolean subtract) {
        flags = 0;
        int cx = operandClass(xSe, xSig, X_FROM_DENORMAL);
        int cy = operandClass(ySe, ySig, Y_FROM_DENORMAL);
        if (invalidOrNaN(xSe, xSig, cx, ySe, ySig, cy)) {
            return;
        }
        if (cx == DENORMAL || cy == DENORMAL) {
            flags |= DE;
        }
        int xs = xSe & SIGN;
        int ys = (ySe & SIGN) ^ (subtract ? SIGN : 0);
        if (cx == INFINITY || cy == INFINITY) {
            if (cx == INFINITY && cy == INFINITY && xs != ys) {
                invalid();
            } else {
                setInfinity(cx == INFINITY ? xs : ys);
            }
            return;
        }
        if (cx == ZERO && cy == ZERO) {
            int s = xs == ys ? xs : (roundingControl == RC_DOWN ? SIGN : 0);
            set(s, 0);
            return;
        }
        if (cx == ZERO || cy == ZERO) {
            // The other operand, rounded to the precision control (and flagged if tiny).
            if (cx == ZERO) {
                unpackA(ySe ^ (subtract ? SIGN : 0), ySig);
            } else {
                unpackA(xSe, xSig);
            }
            roundPack(aSign, aExp, aSig, 0, precision);
            return;
        }
        unpackA(xSe, xSig);
        unpackB(ySe ^ (subtract ? SIGN : 0), ySig);
        if (aSign == bSign) {
            addMagnitudes();
        } else {
            subtractMagnitudes();
        }
    }

    private void addMagnitudes() {
        if (aExp < bExp) {
            swapOperands();
        }
        shiftRightJamming(bSig, 0, aExp - bExp);
        long s0 = aSig + t0;
        long s1 = t1;
        int exp = aExp;
        if (Long.compareUnsigned(s0, aSig) < 0) { // carry out of bit 63
            s1 = (s1 >>> 1) | (s0 << 63) | (s1 & 1);
            s0 = (s0 >>> 1) | INTEGER_BIT;
            exp++;
        }
        roundPack(aSign, exp, s0, s1, precision);
    }

    private void subtractMagnitudes() {
        if (aExp < bExp || (aExp == bExp && Long.compareUnsigned(aSig, bSig) < 0)) {
            swapOperands();
        }
        if (aExp == bExp && aSig == bSig) {
            set(roundingControl == RC_DOWN ? SIGN : 0, 0);
            return;
        }
        shiftRightJamming(bSig, 0, aExp - bExp);
        long d1 = -t1;
        long d0 = aSig - t0 - (t1 != 0 ? 1 : 0);
        normalizeRoundPack(aSign, aExp, d0, d1, precision);
    }

    void multiply(int xSe, long xSig, int ySe, long ySig) {
        flags = 0;
        int cx = operandClass(xSe, xSig, X_FROM_DENORMAL);
        int cy = operandClass(ySe, ySig, Y_FROM_DENORMAL);
        if (invalidOrNaN(xSe, xSig, cx, ySe, ySig, cy)) {
            return;
        }
        int sign = (xSe ^ ySe) & SIGN;
        if (cx == INFINITY || cy == INFINITY) {
            if (cx == ZERO || cy == ZERO) {
                invalid();
                return;
            }
            if (cx == DENORMAL || cy == DENORMAL) {
                flags |= DE;
            }
            setInfinity(sign);
            return;
        }
        if (cx == DENORMAL || cy == DENORMAL) {
            flags |= DE;
        }
        if (cx == ZERO || cy == ZERO) {
            set(sign, 0);
            return;
        }
        unpackA(xSe, xSig);
        unpackB(ySe, ySig);
        long hi = unsignedMultiplyHigh(aSig, bSig);
        long lo = aSig * bSig;
        int exp = aExp + bExp - BIAS + 1;
        if (hi >= 0) {
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            exp--;
        }
        roundPack(sign, exp, hi, lo, precision);
    }

    void divide(int xSe, long xSig, int ySe, long ySig) {
        flags = 0;
        int cx = operandClass(xSe, xSig, X_FROM_DENORMAL);
        int cy = operandClass(ySe, ySig, Y_FROM_DENORMAL);
        if (invalidOrNaN(xSe, xSig, cx, ySe, ySig, cy)) {
            return;
        }
        int sign = (xSe ^ ySe) & SIGN;
        if (cx == INFINITY) {
            if (cy == INFINITY) {
                invalid();
            } else {
                if (cy == DENORMAL) {
                    flags |= DE;
                }
                setInfinity(sign);
            }
            return;
        }
        if (cy == INFINITY) {
            if (cx == DENORMAL) {
                flags |= DE;
            }
            set(sign, 0);
            return;
        }
        if (cy == ZERO) {
            if (cx == ZERO) {
                invalid();
                return;
            }
            flags |= ZE; // without DE for a denormal dividend
            setInfinity(sign);
            return;
        }
        if (cx == DENORMAL || cy == DENORMAL) {
            flags |= DE;
        }
        if (cx == ZERO) {
            set(sign, 0);
            return;
        }
        unpackA(xSe, xSig);
        unpackB(ySe, ySig);
        int exp = aExp - bExp + BIAS;
        long q0;
        if (Long.compareUnsigned(aSig, bSig) < 0) {
            q0 = divide128(aSig, 0, bSig);
            exp--;
        } else {
            q0 = divide128(aSig >>> 1, aSig << 63, bSig);
        }
        long q1 = divide128(remainder, 0, bSig);
        if (remainder != 0) {
            q1 |= 1;
        }
        roundPack(sign, exp, q0, q1, precision);
    }

    void squareRoot(int xSe, long xSig) {
        flags = 0;
        int cx = Float80.classify(xSe, xSig);
        if (cx == UNSUPPORTED) {
            invalid();
            return;
        }
        if (cx == QNAN || cx == SNAN) {
            quietNaN(xSe, xSig);
            return;
        }
        if (cx == ZERO) {
            set(xSe, 0);
            return;
        }
        if ((xSe & SIGN) != 0) {
            invalid();
            return;
        }
        if (cx == INFINITY) {
            setInfinity(0);
            return;
        }
        if (cx == DENORMAL) {
            flags |= DE;
        }
        unpackA(xSe, xSig);
        int e = aExp - BIAS;
        long hi;
        long lo;
        int exp;
        if ((e & 1) != 0) {
            hi = aSig;
            lo = 0;
            exp = ((e - 1) >> 1) + BIAS;
        } else {
            hi = aSig >>> 1;
            lo = aSig << 63;
            exp = (e >> 1) + BIAS;
        }
        long root = squareRoot128(hi, lo);
        // remainder = R - root^2 (up to 65 bits: t0 holds bit 64). The root is never exactly half-way.
        long extra;
        if (t0 == 0 && remainder == 0) {
            extra = 0;
        } else if (t0 != 0 || Long.compareUnsigned(remainder, root) > 0) {
            extra = INTEGER_BIT | 1;
        } else {
            extra = 1;
        }
        roundPack(0, exp, root, extra, precision);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Compare, round to integer, scale, extract, remainder.

    /** Compares x with y; {@code signaling} (FCOM) raises IE for QNaNs too, FUCOM only for SNaNs. */
    int compare(int xSe, long xSig, int ySe, long ySig, boolean signaling) {
        flags = 0;
        int cx = operandClass(xSe, xSig, X_FROM_DENORMAL);
        int cy = operandClass(ySe, ySig, Y_FROM_DENORMAL);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED || cx == SNAN || cy == SNAN) {
            flags |= IE;
            return UNORDERED;
        }
        if (cx == QNAN || cy == QNAN) {
            if (signaling) {
                flags |= IE;
            }
            return UNORDERED;
        }
        if (cx == DENORMAL || cy == DENORMAL) {
            flags |= DE;
        }
        if (cx == ZERO && cy == ZERO) {
            return EQUAL;
        }
        int xNeg = cx == ZERO ? 0 : xSe & SIGN;
        int yNeg = cy == ZERO ? 0 : ySe & SIGN;
        if (cx == ZERO) {
            return yNeg != 0 ? GREATER : LESS;
        }
        if (cy == ZERO) {
            return xNeg != 0 ? LESS : GREATER;
        }
        if (xNeg != yNeg) {
            return xNeg != 0 ? LESS : GREATER;
        }
        unpackA(xSe, xSig);
        unpackB(ySe, ySig);
        int magnitude;
        if (aExp != bExp) {
            magnitude = aExp < bExp ? -1 : 1;
        } else {
            magnitude = Long.compareUnsigned(aSig, bSig);
        }
        if (magnitude == 0) {
            return EQUAL;
        }
        return (magnitude < 0) == (xNeg == 0) ? LESS : GREATER;
    }

    /** FRNDINT: rounds to an integral value under the rounding control (precision control does not apply). */
    void roundToIntegral(int xSe, long xSig) {
        flags = 0;
        int cx = Float80.classify(xSe, xSig);
        if (cx == UNSUPPORTED) {
            invalid();
            return;
        }
        if (cx == QNAN || cx == SNAN) {
            quietNaN(xSe, xSig);
            return;
        }
        if (cx == INFINITY || cx == ZERO) {
            set(xSe, xSig);
            return;
        }
        if (cx == DENORMAL) {
            flags |= DE;
        }
        unpackA(xSe, xSig);
        if (aExp - BIAS >= 63) {
            set(xSe, xSig);
            return;
        }
        long m = roundToInteger(aSign, aExp, aSig);
        if (m == 0) {
            set(aSign, 0);
        } else {
            int shift = Long.numberOfLeadingZeros(m);
            set(aSign | (BIAS + 63 - shift), m << shift);
        }
    }

    /** FSCALE: x * 2^trunc(y), rounded to 64 bits. */
    void scale(int xSe, long xSig, int ySe, long ySig) {
        flags = 0;
        int cx = operandClass(xSe, xSig, X_FROM_DENORMAL);
        int cy = operandClass(ySe, ySig, Y_FROM_DENORMAL);
        if (invalidOrNaN(xSe, xSig, cx, ySe, ySig, cy)) {
            return;
        }
        if (cx == DENORMAL || cy == DENORMAL) {
            flags |= DE;
        }
        boolean yNegative = (ySe & SIGN) != 0;
        if (cy == INFINITY) {
            if (yNegative) {
                if (cx == INFINITY) {
                    invalid();
                } else {
                    set(xSe & SIGN, 0);
                }
            } else if (cx == ZERO) {
                invalid();
            } else {
                setInfinity(xSe & SIGN);
            }
            return;
        }
        if (cx == INFINITY || cx == ZERO) {
            set(xSe, xSig);
            return;
        }
        unpackA(xSe, xSig);
        int n;
        int yExp = (ySe & EXP_MASK) - BIAS;
        if (cy == ZERO || cy == DENORMAL || yExp < 0) {
            n = 0;
        } else if (yExp > 20) {
            n = yNegative ? -(1 << 21) : (1 << 21); // far beyond any representable result either way
        } else {
            n = (int) (ySig >>> (63 - yExp));
            if (yNegative) {
                n = -n;
            }
        }
        roundPack(aSign, aExp + n, aSig, 0, 64);
    }

    /** FXTRACT: result = significand (exponent 0), result2 = the unbiased exponent as a value. */
    void extract(int xSe, long xSig) {
        flags = 0;
        int cx = Float80.classify(xSe, xSig);
        switch (cx) {
            case UNSUPPORTED -> {
                invalid();
                result2Se = resultSe;
                result2Sig = resultSig;
            }
            case QNAN, SNAN -> {
                quietNaN(xSe, xSig);
                result2Se = resultSe;
                result2Sig = resultSig;
            }
            case ZERO -> {
                flags |= ZE;
                result2Se = SIGN | EXP_MASK;
                result2Sig = INTEGER_BIT;
                set(xSe, 0);
            }
            case INFINITY -> {
                result2Se = EXP_MASK;
                result2Sig = INTEGER_BIT;
                set(xSe, xSig);
            }
            default -> {
                if (cx == DENORMAL) {
                    flags |= DE;
                }
                unpackA(xSe, xSig);
                int savedFlags = flags;
                fromInteger(aExp - BIAS);
                flags = savedFlags;
                result2Se = resultSe;
                result2Sig = resultSig;
                set(aSign | BIAS, aSig);
            }
        }
    }

    /** {@link #partialRemainder} for NaN and invalid operands: C0 and C3 keep their values, C1 and C2 clear. */
    static final int NO_QUOTIENT = -1;

    /**
     * FPREM (truncating quotient) and FPREM1 (IEEE round-to-nearest quotient). Returns the condition bits:
     * C2 set while the reduction is incomplete, otherwise the three low quotient bits Q2/Q1/Q0 in C0/C3/C1.
     */
    int partialRemainder(int xSe, long xSig, int ySe, long ySig, boolean nearest) {
        flags = 0;
        int cx = Float80.classify(xSe, xSig);
        int cy = Float80.classify(ySe, ySig);
        if (invalidOrNaN(xSe, xSig, cx, ySe, ySig, cy)) {
            return NO_QUOTIENT;
        }
        if (cx == INFINITY || cy == ZERO) {
            invalid();
            return NO_QUOTIENT;
        }
        if (cx == DENORMAL || cy == DENORMAL) {
            flags |= DE;
        }
        if (cx == ZERO) {
            set(xSe, xSig);
            return 0;
        }
        if (cy == INFINITY) {
            // The dividend itself, normalized (a tiny one is an underflow like any other result).
            unpackA(xSe, xSig);
            roundPack(aSign, aExp, aSig, 0, 64);
            return 0;
        }
        unpackA(xSe, xSig);
        unpackB(ySe, ySig);
        int sign = aSign;
        int d = aExp - bExp;
        int divisorExp = bExp;
        boolean partial = d >= 64;
        if (partial) {
            // Reduce by ST1 * 2^(d - n) with n = 32 + d mod 32, leaving an exponent difference below d - n + 1.
            int n = 32 + (d & 31);
            divisorExp = aExp - n;
            d = n;
        }
        long q;
        long r;
        if (d < 0) {
            q = 0;
            r = aSig;
            divisorExp = aExp;
            if (nearest && d == -1 && Long.compareUnsigned(aSig, bSig) > 0) {
                // |x| > |y|/2: quotient 1, remainder |y| - |x| with the opposite sign.
                q = 1;
                r = bSig - (aSig - bSig);
                sign ^= SIGN;
            }
        } else {
            long hi = d == 0 ? 0 : aSig >>> (64 - d);
            q = divide128(hi, aSig << d, bSig);
            r = remainder;
            if (nearest && !partial) {
                long rest = bSig - r;
                int c = Long.compareUnsigned(r, rest);
                if (c > 0 || (c == 0 && (q & 1) != 0)) {
                    q++;
                    r = rest;
                    sign ^= SIGN;
                }
            }
        }
        if (r == 0) {
            set(aSign, 0);
        } else {
            normalizeRoundPack(sign, divisorExp, r, 0, 64);
        }
        if (partial) {
            return X87.C2;
        }
        return ((q & 4) != 0 ? X87.C0 : 0) | ((q & 2) != 0 ? X87.C3 : 0) | ((q & 1) != 0 ? X87.C1 : 0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Conversions.

    /** Exact conversion of a signed integer (FILD, FIADD...). */
    void fromInteger(long v) {
        flags = 0;
        if (v == 0) {
            set(0, 0);
            return;
        }
        int sign = v < 0 ? SIGN : 0;
        long m = v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63 as an unsigned magnitude
        int shift = Long.numberOfLeadingZeros(m);
        set(sign | (BIAS + 63 - shift), m << shift);
    }

    /** Exact conversion of a float32 (SNaNs stay signaling; DE flagged for denormals). */
    void fromFloat32(int bits) {
        flags = 0;
        int sign = bits < 0 ? SIGN : 0;
        int exp = (bits >>> 23) & 0xFF;
        long frac = bits & 0x7F_FFFFL;
        if (exp == 0) {
            if (frac == 0) {
                set(sign, 0);
            } else {
                flags |= DE;
                int shift = Long.numberOfLeadingZeros(frac);
                set(sign | (BIAS + 63 - 149 - shift), frac << shift);
            }
        } else if (exp == 0xFF) {
            set(sign | EXP_MASK, INTEGER_BIT | frac << 40);
        } else {
            set(sign | (exp - 127 + BIAS), INTEGER_BIT | frac << 40);
        }
    }

    /** Exact conversion of a float64. */
    void fromFloat64(long bits) {
        flags = 0;
        int sign = bits < 0 ? SIGN : 0;
        int exp = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exp == 0) {
            if (frac == 0) {
                set(sign, 0);
            } else {
                flags |= DE;
                int shift = Long.numberOfLeadingZeros(frac);
                set(sign | (BIAS + 63 - 1074 - shift), frac << shift);
            }
        } else if (exp == 0x7FF) {
            set(sign | EXP_MASK, INTEGER_BIT | frac << 11);
        } else {
            set(sign | (exp - 1023 + BIAS), INTEGER_BIT | frac << 11);
        }
    }

    /** FST m32: rounds under the rounding control to single precision. */
    int toFloat32(int xSe, long xSig) {
        if (!narrowSpecial(xSe, xSig)) {
            unpackA(xSe, xSig);
            round(aSign, aExp, aSig, 0, 24, SINGLE_MIN_EXP, SINGLE_MAX_EXP, false);
        }
        return packNarrow(23, 8, SINGLE_MIN_EXP, 127);
    }

    /** FST m64: rounds under the rounding control to double precision. */
    long toFloat64(int xSe, long xSig) {
        if (!narrowSpecial(xSe, xSig)) {
            unpackA(xSe, xSig);
            round(aSign, aExp, aSig, 0, 53, DOUBLE_MIN_EXP, DOUBLE_MAX_EXP, false);
        }
        return packNarrowLong(52, 11, DOUBLE_MIN_EXP, 1023);
    }

    /** NaN, infinity, zero and unsupported sources of FST m32/m64; leaves the value in result fields. */
    private boolean narrowSpecial(int xSe, long xSig) {
        flags = 0;
        int cx = Float80.classify(xSe, xSig);
        switch (cx) {
            case UNSUPPORTED -> invalid();
            case QNAN, SNAN -> quietNaN(xSe, xSig);
            case INFINITY, ZERO -> set(xSe, xSig);
            default -> {
                return false;
            }
        }
        return true;
    }

    private int packNarrow(int fractionBits, int exponentBits, int minExp, int bias) {
        return (int) packNarrowLong(fractionBits, exponentBits, minExp, bias);
    }

    /** Encodes the result fields (already rounded into the format's range) as an IEEE single or double. */
    private long packNarrowLong(int fractionBits, int exponentBits, int minExp, int bias) {
        int width = 1 + exponentBits + fractionBits;
        long sign = (resultSe & SIGN) != 0 ? 1L << (width - 1) : 0;
        int exp = resultSe & EXP_MASK;
        long fracMask = (1L << fractionBits) - 1;
        long frac = (resultSig >>> (63 - fractionBits)) & fracMask;
        long maxField = (1L << exponentBits) - 1;
        if (exp == EXP_MASK) {
            return sign | maxField << fractionBits | frac;
        }
        if (resultSig == 0) {
            return sign;
        }
        if (resultSig >= 0) { // denormal in the target format: aligned to its smallest normal's scale
            return sign | (resultSig >>> (63 - fractionBits));
        }
        return sign | (long) (exp - BIAS + bias) << fractionBits | frac;
    }

    /**
     * FIST/FISTP: the integer under the rounding control, or the integer indefinite (most negative value) with IE
     * when it does not fit {@code width} bits (also for NaNs, infinities, unsupported encodings).
     */
    long toInteger(int xSe, long xSig, int width) {
        flags = 0;
        long indefinite = -1L << (width - 1);
        int cx = Float80.classify(xSe, xSig);
        if (cx == UNSUPPORTED || cx == QNAN || cx == SNAN || cx == INFINITY) {
            flags |= IE;
            return indefinite;
        }
        if (cx == ZERO) {
            return 0;
        }
        unpackA(xSe, xSig);
        if (aExp - BIAS >= 64) {
            flags |= IE;
            return indefinite;
        }
        long m = roundToInteger(aSign, aExp, aSig);
        boolean fits = aSign != 0
                ? Long.compareUnsigned(m, 1L << (width - 1)) <= 0
                : Long.compareUnsigned(m, (1L << (width - 1)) - 1) <= 0;
        if (!fits) {
            flags = IE;
            return indefinite;
        }
        return aSign != 0 ? -m : m;
    }

    /**
     * Rounds a normalized finite value (unbiased exponent below 64) to an integer magnitude under the rounding
     * control, flagging PE and C1 (rounded up). The caller checks the range.
     */
    long roundToInteger(int sign, int exp, long sig) {
        int e = exp - BIAS;
        long integer;
        long fraction; // the bits below the binary point, left-aligned
        if (e >= 63) {
            return sig;
        } else if (e >= 0) {
            integer = sig >>> (63 - e);
            fraction = sig << (e + 1);
        } else if (e == -1) {
            integer = 0;
            fraction = sig;
        } else {
            integer = 0;
            fraction = 1; // non-zero, below one half
        }
        if (fraction == 0) {
            return integer;
        }
        flags |= PE;
        boolean up = switch (roundingControl) {
            case RC_NEAREST -> fraction < 0 && (fraction != INTEGER_BIT || (integer & 1) != 0);
            case RC_DOWN -> sign != 0;
            case RC_UP -> sign == 0;
            default -> false;
        };
        if (up) {
            flags |= C1;
            integer++;
        }
        return integer;
    }

    /** FLD1..FLDZ (D9 E8..EE) with the last bit of the irrational constants following the rounding control. */
    void constant(int index) {
        flags = 0;
        switch (index) {
            case 0 -> set(BIAS, INTEGER_BIT);
            case 1 -> roundedConstant(BIAS + 1, 0xD49A_784B_CD1B_8AFEL, false);
            case 2 -> roundedConstant(BIAS, 0xB8AA_3B29_5C17_F0BBL, true);
            case 3 -> roundedConstant(BIAS + 1, 0xC90F_DAA2_2168_C234L, true);
            case 4 -> roundedConstant(BIAS - 2, 0x9A20_9A84_FBCF_F798L, true);
            case 5 -> roundedConstant(BIAS - 1, 0xB172_17F7_D1CF_79ABL, true);
            case 6 -> set(0, 0);
            default -> throw new IllegalArgumentException("no x87 constant " + index);
        }
    }

    /** Truncated 64-bit significand of a positive irrational constant, and whether its next bit is one. */
    private void roundedConstant(int exp, long truncated, boolean nextBitSet) {
        boolean up = roundingControl == RC_UP || (roundingControl == RC_NEAREST && nextBitSet);
        set(exp, up ? truncated + 1 : truncated);
    }

    /**
     * Rounds a {@link Wide} result of a transcendental function to the register format (precision control does not
     * apply). Unless {@code exact}, the value is known to lie strictly between representable neighbours, so a sticky
     * bit is added below the 128 computed bits. PE is set either way, as the hardware does.
     */
    void roundWide(Wide w, boolean exact) {
        if (w.isZero()) {
            set(w.negative ? SIGN : 0, 0);
            return;
        }
        roundPack(w.negative ? SIGN : 0, w.exp + BIAS, w.hi, exact ? w.lo : w.lo | 1, 64);
        flags |= PE; // the x87 reports every computed transcendental result inexact, exact ones too
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rounding.

    /** Normalizes a non-zero (sig0:sig1) with exponent exp and rounds it. */
    private void normalizeRoundPack(int sign, int exp, long sig0, long sig1, int bits) {
        if (sig0 == 0) {
            sig0 = sig1;
            sig1 = 0;
            exp -= 64;
        }
        int shift = Long.numberOfLeadingZeros(sig0);
        if (shift != 0) {
            sig0 = (sig0 << shift) | (sig1 >>> (64 - shift));
            sig1 <<= shift;
            exp -= shift;
        }
        roundPack(sign, exp, sig0, sig1, bits);
    }

    /** Rounds a normalized (sig0 bit 63 set) value to the register format at the given precision. */
    private void roundPack(int sign, int exp, long sig0, long sig1, int bits) {
        round(sign, exp, sig0, sig1, bits, EXT_MIN_EXP, EXT_MAX_EXP, true);
        if (resultSig >= 0 && (resultSe & EXP_MASK) != EXP_MASK) {
            resultSe &= SIGN; // denormal or zero: exponent field 0
        }
    }

    /**
     * The x87 rounding step: rounds sign * (sig0:sig1) * 2^(exp - BIAS - 63) to {@code bits} significant bits for a
     * format whose normals have exponents minExp..maxExp. Denormal results (masked underflow) keep the integer bit
     * clear and report exponent minExp - 1 in {@link #resultSe}. With {@code rescale} (register destinations) an
     * unmasked overflow or underflow rescales the exponent by 24576.
     */
    private void round(int sign, int exp, long sig0, long sig1, int bits, int minExp, int maxExp, boolean rescale) {
        int s = sign != 0 ? SIGN : 0;
        if (exp < minExp) {
            boolean tiny = isTinyAfterRounding(s, exp, sig0, sig1, bits, minExp);
            if ((masks & UE) == 0 && tiny) {
                // Unmasked: flagged; a register gets the result rescaled by 2^24576, a memory store is suppressed.
                flags |= UE;
                if (!rescale) {
                    roundNormal(s, exp, sig0, sig1, bits, maxExp, false);
                    return;
                }
                if (exp + BIAS_ADJUST >= minExp) {
                    roundNormal(s, exp + BIAS_ADJUST, sig0, sig1, bits, maxExp, true);
                    return;
                }
                // Too small even for the rescaled range (FSCALE): a signed zero whatever the rounding.
                flags |= PE;
                set(s, 0);
                return;
            }
            // Masked: denormalize, round at the same bit position, flag UE only if that lost precision.
            shiftRightJamming(sig0, sig1, minExp - exp);
            long r0 = t0;
            long r1 = t1;
            boolean inexact = roundingBits(r0, r1, bits) != 0;
            long rounded = roundSignificand(s, r0, r1, bits);
            if (inexact) {
                flags |= tiny ? PE | UE : PE;
            }
            set(s | (rounded < 0 ? minExp : minExp - 1), rounded);
            return;
        }
        roundNormal(s, exp, sig0, sig1, bits, maxExp, rescale);
    }

    private void roundNormal(int s, int exp, long sig0, long sig1, int bits, int maxExp, boolean rescale) {
        long rounded = roundSignificand(s, sig0, sig1, bits);
        boolean inexact = roundingBits(sig0, sig1, bits) != 0;
        if (carry) {
            rounded = INTEGER_BIT;
            exp++;
        }
        if (exp > maxExp) {
            if ((masks & OE) == 0 && rescale && exp - BIAS_ADJUST > maxExp) {
                // Too large even for the rescaled range (FSCALE): infinity whatever the rounding.
                flags |= OE | PE | C1;
                set(s | EXP_MASK, INTEGER_BIT);
                return;
            }
            if ((masks & OE) == 0) {
                flags |= OE;
                if (inexact) {
                    flags |= PE;
                }
                if (rescale) {
                    exp -= BIAS_ADJUST;
                }
                set(s | (exp & EXP_MASK), rounded);
                return;
            }
            flags |= OE | PE;
            boolean toInfinity = switch (roundingControl) {
                case RC_NEAREST -> true;
                case RC_DOWN -> s != 0;
                case RC_UP -> s == 0;
                default -> false;
            };
            if (toInfinity) {
                flags |= C1;
                set(s | EXP_MASK, INTEGER_BIT);
            } else {
                set(s | maxExp, -1L << (64 - bits));
            }
            return;
        }
        if (inexact) {
            flags |= PE;
        }
        set(s | (exp & EXP_MASK), rounded);
    }

    /** Set by {@link #roundSignificand} when rounding carried out of bit 63. */
    private boolean carry;

    /** The significand rounded to {@code bits} bits (C1 flagged when rounded up); see {@link #carry}. */
    private long roundSignificand(int s, long sig0, long sig1, int bits) {
        carry = false;
        int shift = 64 - bits;
        long lsb = 1L << shift;
        long kept = sig0 & -lsb;
        int cmp; // the discarded part against one half ulp
        boolean inexact;
        if (shift == 0) {
            cmp = Long.compareUnsigned(sig1, INTEGER_BIT);
            inexact = sig1 != 0;
        } else {
            long lost = sig0 & (lsb - 1);
            long half = lsb >>> 1;
            cmp = lost == half ? (sig1 != 0 ? 1 : 0) : Long.compareUnsigned(lost, half);
            inexact = lost != 0 || sig1 != 0;
        }
        if (!inexact) {
            return kept;
        }
        boolean up = switch (roundingControl) {
            case RC_NEAREST -> cmp > 0 || (cmp == 0 && (kept & lsb) != 0);
            case RC_DOWN -> s != 0;
            case RC_UP -> s == 0;
            default -> false;
        };
        if (up) {
            flags |= C1;
            kept += lsb;
            if (kept == 0) {
                carry = true;
            }
        }
        return kept;
    }

    private static long roundingBits(long sig0, long sig1, int bits) {
        long lsb = 1L << (64 - bits);
        return (sig0 & (lsb - 1)) | sig1;
    }

    /**
     * Whether a result below the normal range is still tiny after rounding with an unbounded exponent (the x87
     * detects tininess after rounding: a value that rounds up to the smallest normal is not tiny).
     */
    private boolean isTinyAfterRounding(int s, int exp, long sig0, long sig1, int bits, int minExp) {
        if (exp < minExp - 1) {
            return true;
        }
        int savedFlags = flags;
        roundSignificand(s, sig0, sig1, bits);
        flags = savedFlags;
        return !carry;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Special operands.

    /** Unsupported encodings and NaNs of a two-operand instruction (SDM vol. 1, table 4-7); true if handled. */
    boolean invalidOrNaN(int xSe, long xSig, int cx, int ySe, long ySig, int cy) {
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) {
            invalid();
            return true;
        }
        boolean xNaN = cx == QNAN || cx == SNAN;
        boolean yNaN = cy == QNAN || cy == SNAN;
        if (!xNaN && !yNaN) {
            return false;
        }
        if (cx == SNAN || cy == SNAN) {
            flags |= IE;
        }
        if (xNaN && yNaN) {
            if (cx == SNAN && cy == QNAN) {
                set(ySe, ySig);
            } else if (cx == QNAN && cy == SNAN) {
                set(xSe, xSig);
            } else {
                long qx = xSig | QUIET_BIT;
                long qy = ySig | QUIET_BIT;
                int c = Long.compareUnsigned(qx, qy);
                boolean pickX = c > 0 || (c == 0 && (xSe & SIGN) <= (ySe & SIGN));
                set(pickX ? xSe : ySe, pickX ? qx : qy);
            }
        } else if (xNaN) {
            set(xSe, xSig);
        } else {
            set(ySe, ySig);
        }
        resultSig |= QUIET_BIT;
        return true;
    }

    void quietNaN(int xSe, long xSig) {
        if ((xSig & QUIET_BIT) == 0) {
            flags |= IE;
        }
        set(xSe, xSig | QUIET_BIT);
    }

    /** Invalid operation: IE and the real indefinite. */
    void invalid() {
        flags |= IE;
        set(Float80.INDEFINITE_SE, Float80.INDEFINITE_SIG);
    }

    void setInfinity(int sign) {
        set(sign | EXP_MASK, INTEGER_BIT);
    }

    void set(int se, long sig) {
        resultSe = se & 0xFFFF;
        resultSig = sig;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Unpacking and 128-bit helpers.

    /** Unpacks a finite non-zero value into a normalized significand and an unbounded exponent. */
    private void unpackA(int se, long sig) {
        aSign = se & SIGN;
        int exp = se & EXP_MASK;
        if (exp == 0) {
            exp = 1; // denormals and pseudo-denormals share the smallest normal's scale
        }
        int shift = Long.numberOfLeadingZeros(sig);
        aSig = sig << shift;
        aExp = exp - shift;
    }

    private void unpackB(int se, long sig) {
        bSign = se & SIGN;
        int exp = se & EXP_MASK;
        if (exp == 0) {
            exp = 1;
        }
        int shift = Long.numberOfLeadingZeros(sig);
        bSig = sig << shift;
        bExp = exp - shift;
    }

    private void swapOperands() {
        int s = aSign;
        aSign = bSign;
        bSign = s;
        int e = aExp;
        aExp = bExp;
        bExp = e;
        long m = aSig;
        aSig = bSig;
        bSig = m;
    }

    /** (sig0:sig1) >> count with the shifted-out bits ORed into bit 0; result in t0:t1. */
    private void shiftRightJamming(long sig0, long sig1, int count) {
        if (count == 0) {
            t0 = sig0;
            t1 = sig1;
        } else if (count < 64) {
            t1 = (sig0 << (64 - count)) | (sig1 >>> count) | ((sig1 << (64 - count)) != 0 ? 1 : 0);
            t0 = sig0 >>> count;
        } else if (count == 64) {
            t1 = sig0 | (sig1 != 0 ? 1 : 0);
            t0 = 0;
        } else if (count < 128) {
            t1 = (sig0 >>> (count - 64)) | ((sig0 << (128 - count)) != 0 || sig1 != 0 ? 1 : 0);
            t0 = 0;
        } else {
            t1 = (sig0 | sig1) != 0 ? 1 : 0;
            t0 = 0;
        }
    }

    static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    /**
     * (hi:lo) / d for a normalized divisor (bit 63 set) and hi < d: the 64-bit quotient, remainder in
     * {@link #remainder}. Two 32-bit digit steps of Knuth's algorithm D.
     */
    long divide128(long hi, long lo, long d) {
        long q = quotient128(hi, lo, d);
        remainder = lo - q * d;
        return q;
    }

    /** The quotient of {@link #divide128} alone. */
    static long quotient128(long hi, long lo, long d) {
        long dHigh = d >>> 32;
        long dLow = d & 0xFFFF_FFFFL;
        long q1 = divideDigit(hi, lo >>> 32, d, dHigh, dLow);
        long mid = (hi << 32 | lo >>> 32) - q1 * d;
        long q0 = divideDigit(mid, lo & 0xFFFF_FFFFL, d, dHigh, dLow);
        return q1 << 32 | q0;
    }

    /** One quotient digit of (u:digit) / d where u < d, by estimate and correction. */
    private static long divideDigit(long u, long digit, long d, long dHigh, long dLow) {
        long q = Long.divideUnsigned(u, dHigh);
        long r = u - q * dHigh;
        while (Long.compareUnsigned(q, 0xFFFF_FFFFL) > 0
                || Long.compareUnsigned(q * dLow, (r << 32) | digit) > 0) {
            q--;
            r += dHigh;
            if (Long.compareUnsigned(r, 0xFFFF_FFFFL) > 0) {
                break;
            }
        }
        return q;
    }

    /**
     * floor(sqrt(hi:lo)) for hi:lo >= 2^126, with R - root^2 left in {@link #t0} (bit 64) and {@link #remainder}
     * (bits 0-63). A double estimate, one Newton step in integer arithmetic, then exact correction.
     */
    private long squareRoot128(long hi, long lo) {
        double approx = Math.sqrt(unsignedToDouble(hi) * 0x1p64 + unsignedToDouble(lo));
        long r = approx >= 0x1p64 ? -1L : approx >= 0x1p63 ? (long) (approx - 0x1p63) ^ Long.MIN_VALUE : (long) approx;
        if (Long.compareUnsigned(hi, r) < 0) {
            long q = divide128(hi, lo, r);
            r = (r >>> 1) + (q >>> 1) + (r & q & 1);
            if (r >= 0) {
                r = Long.MIN_VALUE;
            }
        }
        // Correct downwards while r^2 > R, upwards while (r+1)^2 <= R.
        while (compareSquare(r, hi, lo) > 0) {
            r--;
        }
        while (r != -1L && compareSquare(r + 1, hi, lo) <= 0) {
            r++;
        }
        long sqHi = unsignedMultiplyHigh(r, r);
        long sqLo = r * r;
        remainder = lo - sqLo;
        t0 = hi - sqHi - (Long.compareUnsigned(lo, sqLo) < 0 ? 1 : 0);
        return r;
    }

    private static int compareSquare(long r, long hi, long lo) {
        long sqHi = unsignedMultiplyHigh(r, r);
        int c = Long.compareUnsigned(sqHi, hi);
        return c != 0 ? c : Long.compareUnsigned(r * r, lo);
    }

    private static double unsignedToDouble(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1);
    }
}
