package org.quasivm.exec.fpu;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A mutable binary floating-point number with a 128-bit significand, for evaluating the transcendental functions
 * with about 60 bits to spare before the result is rounded to the 64-bit register format. The value is
 * {@code (-1)^negative * (hi:lo / 2^127) * 2^exp} with bit 63 of {@code hi} set, or zero when hi and lo are zero.
 * Operations truncate (an error below 2^-127 relative each) and never allocate.
 */
final class Wide {

    boolean negative;
    int exp;
    long hi;
    long lo;

    boolean isZero() {
        return hi == 0 && lo == 0;
    }

    Wide set(Wide other) {
        negative = other.negative;
        exp = other.exp;
        hi = other.hi;
        lo = other.lo;
        return this;
    }

    Wide setZero() {
        negative = false;
        exp = 0;
        hi = 0;
        lo = 0;
        return this;
    }

    /** Exactly the value of a finite register-format number (se, sig). */
    Wide setFloat80(int se, long sig) {
        negative = (se & Float80.SIGN) != 0;
        if (sig == 0) {
            hi = 0;
            lo = 0;
            exp = 0;
            return this;
        }
        int e = se & Float80.EXP_MASK;
        if (e == 0) {
            e = 1;
        }
        int shift = Long.numberOfLeadingZeros(sig);
        hi = sig << shift;
        lo = 0;
        exp = e - shift - Float80.BIAS;
        return this;
    }

    /** Exactly a signed integer. */
    Wide setLong(long v) {
        negative = v < 0;
        long m = v < 0 ? -v : v;
        if (m == 0) {
            return setZero();
        }
        int shift = Long.numberOfLeadingZeros(m);
        hi = m << shift;
        lo = 0;
        exp = 63 - shift;
        return this;
    }

    Wide negate() {
        negative = !negative;
        return this;
    }

    Wide scale(int power) {
        exp += power;
        return this;
    }

    /** Shifts a non-normalized significand left until bit 127 is set. */
    private void normalize() {
        if (hi == 0) {
            if (lo == 0) {
                return;
            }
            hi = lo;
            lo = 0;
            exp -= 64;
        }
        int shift = Long.numberOfLeadingZeros(hi);
        if (shift != 0) {
            hi = hi << shift | lo >>> (64 - shift);
            lo <<= shift;
            exp -= shift;
        }
    }

    /** this = a * b. */
    Wide multiply(Wide a, Wide b) {
        if (a.isZero() || b.isZero()) {
            boolean sign = a.negative != b.negative;
            setZero();
            negative = sign;
            return this;
        }
        long ah = a.hi;
        long al = a.lo;
        long bh = b.hi;
        long bl = b.lo;
        long hhH = Float80Arithmetic.unsignedMultiplyHigh(ah, bh);
        long hhL = ah * bh;
        long hlH = Float80Arithmetic.unsignedMultiplyHigh(ah, bl);
        long hlL = ah * bl;
        long lhH = Float80Arithmetic.unsignedMultiplyHigh(al, bh);
        long lhL = al * bh;
        long llH = Float80Arithmetic.unsignedMultiplyHigh(al, bl);
        // Word 1 (bits 64-127) only feeds carries and the normalization bit.
        long w1 = llH + hlL;
        long c1 = Long.compareUnsigned(w1, llH) < 0 ? 1 : 0;
        long w1b = w1 + lhL;
        c1 += Long.compareUnsigned(w1b, w1) < 0 ? 1 : 0;
        long w2 = hhL + hlH;
        long c2 = Long.compareUnsigned(w2, hhL) < 0 ? 1 : 0;
        long w2b = w2 + lhH;
        c2 += Long.compareUnsigned(w2b, w2) < 0 ? 1 : 0;
        long w2c = w2b + c1;
        c2 += Long.compareUnsigned(w2c, w2b) < 0 ? 1 : 0;
        long w3 = hhH + c2;
        negative = a.negative != b.negative;
        exp = a.exp + b.exp + 1;
        if (w3 >= 0) {
            w3 = w3 << 1 | w2c >>> 63;
            w2c = w2c << 1 | w1b >>> 63;
            exp--;
        }
        hi = w3;
        lo = w2c;
        return this;
    }

    /** this = a + b. */
    Wide add(Wide a, Wide b) {
        return addSigned(a, b, false);
    }

    /** this = a - b. */
    Wide subtract(Wide a, Wide b) {
        return addSigned(a, b, true);
    }

    private Wide addSigned(Wide a, Wide b, boolean negateB) {
        boolean bNegative = b.negative != negateB;
        if (b.isZero()) {
            return set(a);
        }
        if (a.isZero()) {
            set(b);
            negative = bNegative;
            return this;
        }
        // x is the operand with the larger exponent.
        boolean swap = b.exp > a.exp;
        boolean xNeg = swap ? bNegative : a.negative;
        int xExp = swap ? b.exp : a.exp;
        long xh = swap ? b.hi : a.hi;
        long xl = swap ? b.lo : a.lo;
        boolean yNeg = swap ? a.negative : bNegative;
        int d = xExp - (swap ? a.exp : b.exp);
        long yh = swap ? a.hi : b.hi;
        long yl = swap ? a.lo : b.lo;
        // Bits shifted out are "jammed" into the last place so the result keeps the true value's direction
        // (a tiny subtrahend still makes the result smaller): the transcendental rounding relies on it.
        long lost;
        if (d >= 128) {
            lost = yh | yl;
            yh = 0;
            yl = 0;
        } else if (d >= 64) {
            lost = yl | (d == 64 ? 0 : yh << (128 - d));
            yl = yh >>> (d - 64);
            yh = 0;
        } else if (d > 0) {
            lost = yl << (64 - d);
            yl = yl >>> d | yh << (64 - d);
            yh >>>= d;
        } else {
            lost = 0;
        }
        if (lost != 0) {
            yl |= 1;
        }
        exp = xExp;
        if (xNeg == yNeg) {
            long l = xl + yl;
            long carry = Long.compareUnsigned(l, xl) < 0 ? 1 : 0;
            long sum = xh + yh;
            long h = sum + carry;
            boolean overflow = Long.compareUnsigned(sum, xh) < 0 || (carry == 1 && h == 0);
            if (overflow) {
                l = l >>> 1 | h << 63;
                h = h >>> 1 | Long.MIN_VALUE;
                exp++;
            }
            hi = h;
            lo = l;
            negative = xNeg;
            return this;
        }
        int c = Long.compareUnsigned(xh, yh);
        if (c == 0) {
            c = Long.compareUnsigned(xl, yl);
        }
        if (c == 0) {
            return setZero();
        }
        if (c < 0) {
            long th = xh;
            long tl = xl;
            xh = yh;
            xl = yl;
            yh = th;
            yl = tl;
            xNeg = yNeg;
        }
        long l = xl - yl;
        long borrow = Long.compareUnsigned(xl, yl) < 0 ? 1 : 0;
        hi = xh - yh - borrow;
        lo = l;
        negative = xNeg;
        normalize();
        return this;
    }

    /** this = a / d for a small positive integer d. */
    Wide divide(Wide a, int d) {
        negative = a.negative;
        exp = a.exp;
        long divisor = d & 0xFFFF_FFFFL;
        long r = 0;
        long q0 = 0;
        long q1 = 0;
        long q2 = 0;
        // Long division by 32-bit digits of a.hi, a.lo and 64 more zero bits.
        for (int i = 0; i < 6; i++) {
            long digit = switch (i) {
                case 0 -> a.hi >>> 32;
                case 1 -> a.hi & 0xFFFF_FFFFL;
                case 2 -> a.lo >>> 32;
                case 3 -> a.lo & 0xFFFF_FFFFL;
                default -> 0;
            };
            long n = r << 32 | digit;
            long q = n / divisor;
            r = n - q * divisor;
            if (i < 2) {
                q0 = q0 << 32 | q;
            } else if (i < 4) {
                q1 = q1 << 32 | q;
            } else {
                q2 = q2 << 32 | q;
            }
        }
        hi = q0;
        lo = q1;
        if (hi == 0 && lo == 0 && q2 == 0) {
            return setZero();
        }
        int shift = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
        if (shift >= 64) {
            hi = lo;
            lo = q2;
            q2 = 0;
            exp -= 64;
            shift -= 64;
        }
        if (shift != 0) {
            hi = hi << shift | lo >>> (64 - shift);
            lo = lo << shift | q2 >>> (64 - shift);
            exp -= shift;
        }
        return this;
    }

    /** Exactly 1. */
    static final Wide ONE = new Wide().setLong(1);

    /** The value of a decimal constant, truncated to 128 bits (class initialisation only). */
    static Wide of(BigDecimal value) {
        Wide w = new Wide();
        if (value.signum() == 0) {
            return w;
        }
        w.negative = value.signum() < 0;
        BigDecimal magnitude = value.abs();
        int e = magnitude.toBigInteger().bitLength() - 1;
        if (magnitude.compareTo(BigDecimal.ONE) < 0) {
            e = -1;
            while (magnitude.multiply(BigDecimal.valueOf(2).pow(-e)).compareTo(BigDecimal.ONE) < 0) {
                e--;
            }
        }
        BigInteger scaled = magnitude.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(127 - e + 8)))
                .toBigInteger().shiftRight(8);
        if (scaled.bitLength() > 128) {
            scaled = scaled.shiftRight(1);
            e++;
        }
        w.exp = e;
        w.hi = scaled.shiftRight(64).longValue();
        w.lo = scaled.longValue();
        return w;
    }

    @Override
    public String toString() {
        return (negative ? "-" : "") + "0x" + Long.toHexString(hi) + "_" + Long.toHexString(lo) + "p" + exp;
    }
}
