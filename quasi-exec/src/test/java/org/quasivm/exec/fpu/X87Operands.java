package org.quasivm.exec.fpu;

import java.util.SplittableRandom;

/**
 * Random operands for the differential test, biased toward the cases where x87 implementations go wrong: zeros,
 * denormals and pseudo-denormals, infinities, quiet and signaling NaNs, the indefinite, unsupported encodings,
 * exponents near overflow and underflow, short significands (exact results and rounding ties at 24, 53 and 64 bits)
 * and pairs of close values (cancellation).
 */
final class X87Operands {

    static final int BIAS = 16383;

    private final SplittableRandom random;
    /** The last value made, as (se, sig). */
    int se;
    long sig;

    X87Operands(SplittableRandom random) {
        this.random = random;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    long nextLong() {
        return random.nextLong();
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    /** A control word: any rounding, mostly valid precision, mostly all exceptions masked. */
    int controlWord() {
        int rc = random.nextInt(4);
        int pc = switch (random.nextInt(10)) {
            case 0, 1, 2 -> 0;
            case 3, 4, 5 -> 2;
            case 6 -> 1;
            default -> 3;
        };
        int masks = chance(70) ? 0x3F : random.nextInt(64);
        int ic = random.nextInt(2);
        return masks | 0x40 | pc << 8 | rc << 10 | ic << 12;
    }

    /** A status word with random TOP and condition codes and only masked exception flags (none pending). */
    int statusWord(int cw) {
        int flags = random.nextInt(128) & (cw & 0x3F | 0x40);
        if (chance(50)) {
            flags = 0;
        }
        int cc = random.nextInt(16);
        int condition = (cc & 1) << 8 | (cc & 2) << 8 | (cc & 4) << 8 | (cc & 8) << 11;
        return flags | condition | random.nextInt(8) << 11;
    }

    /** A random extended value; see the class comment for the mix. */
    void extended() {
        int sign = random.nextInt(2) << 15;
        int k = random.nextInt(100);
        if (k < 7) {
            set(sign, 0);
        } else if (k < 14) {
            set(sign, significand() >>> (1 + random.nextInt(64)));
            if (sig == 0) {
                sig = 1;
            }
        } else if (k < 16) {
            set(sign, significand()); // pseudo-denormal
        } else if (k < 20) {
            set(sign | 0x7FFF, 0x8000_0000_0000_0000L);
        } else if (k < 24) {
            set(sign | 0x7FFF, 0xC000_0000_0000_0000L | random.nextLong() >>> random.nextInt(64) >>> 2);
        } else if (k < 28) {
            long payload = random.nextLong() >>> (2 + random.nextInt(62));
            set(sign | 0x7FFF, 0x8000_0000_0000_0000L | (payload == 0 ? 1 : payload));
        } else if (k < 29) {
            set(0xFFFF, 0xC000_0000_0000_0000L);
        } else if (k < 31) {
            int kind = random.nextInt(3);
            if (kind == 0) {
                set(sign | (1 + random.nextInt(0x7FFE)), significand() >>> (1 + random.nextInt(63)));
            } else {
                set(sign | 0x7FFF, random.nextLong() >>> (1 + random.nextInt(63)));
            }
        } else if (k < 38) {
            set(sign | (0x7FFE - random.nextInt(80)), significand());
        } else if (k < 45) {
            set(sign | (1 + random.nextInt(80)), significand());
        } else if (k < 75) {
            set(sign | (BIAS - 70 + random.nextInt(140)), significand());
        } else {
            set(sign | (1 + random.nextInt(0x7FFE)), significand());
        }
    }

    /** A value close to (se, sig) in exponent or significand, or an independent one. */
    void related(int otherSe, long otherSig) {
        int k = random.nextInt(100);
        int sign = random.nextInt(2) << 15;
        int exp = otherSe & 0x7FFF;
        if (k < 15 && exp > 0 && exp < 0x7FFF) {
            set(sign | exp, otherSig + random.nextInt(9) - 4);
            if (sig >= 0) {
                sig = otherSig;
            }
        } else if (k < 45 && exp > 0 && exp < 0x7FFF) {
            int e = exp + random.nextInt(141) - 70;
            if (random.nextInt(3) == 0) {
                e = exp + random.nextInt(7) - 3;
            }
            e = Math.max(1, Math.min(0x7FFE, e));
            set(sign | e, significand());
        } else {
            extended();
        }
    }

    /** A modest FSCALE amount: an integer up to tens of thousands, sometimes with a fraction, or a tiny value. */
    void fromScale() {
        int sign = random.nextInt(2) << 15;
        long n = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(130);
            case 1 -> random.nextInt(70000);
            case 2 -> random.nextInt(40);
            default -> random.nextInt(1 << 20);
        };
        if (n == 0) {
            set(sign | (BIAS - 1 - random.nextInt(3)), significand());
            return;
        }
        int shift = Long.numberOfLeadingZeros(n);
        long s = n << shift;
        if (chance(30)) {
            s |= random.nextLong() >>> (64 - shift);
        }
        set(sign | (BIAS + 63 - shift), s);
    }

    /** A normalized significand: random, short (ties and exact results), or all ones. */
    long significand() {
        int k = random.nextInt(10);
        long s = random.nextLong() | 0x8000_0000_0000_0000L;
        if (k < 3) {
            int bits = switch (random.nextInt(4)) {
                case 0 -> 24 + random.nextInt(3) - 1;
                case 1 -> 53 + random.nextInt(3) - 1;
                case 2 -> 64;
                default -> 1 + random.nextInt(64);
            };
            s &= bits >= 64 ? -1L : -1L << (64 - bits);
        } else if (k == 3) {
            s = -1L << random.nextInt(64);
        } else if (k == 4) {
            s = 0x8000_0000_0000_0000L | random.nextLong() >>> random.nextInt(64) >>> 1;
        }
        return s;
    }

    private void set(int newSe, long newSig) {
        se = newSe;
        sig = newSig;
    }

    /** A float32 bit pattern with the same kind of bias. */
    int float32() {
        int sign = random.nextInt(2) << 31;
        return switch (random.nextInt(12)) {
            case 0 -> sign;
            case 1 -> sign | (random.nextInt() >>> (9 + random.nextInt(23)));
            case 2 -> sign | 0x7F80_0000;
            case 3 -> sign | 0x7FC0_0000 | random.nextInt(1 << 22);
            case 4 -> sign | 0x7F80_0000 | Math.max(1, random.nextInt(1 << 22));
            case 5 -> sign | (random.nextInt(0x7F) + 1) << 23 | shortFraction(23);
            default -> sign | (random.nextInt(0xFE) + 1) << 23 | shortFraction(23);
        };
    }

    /** A float64 bit pattern with the same kind of bias. */
    long float64() {
        long sign = (long) random.nextInt(2) << 63;
        return switch (random.nextInt(12)) {
            case 0 -> sign;
            case 1 -> sign | (random.nextLong() >>> (12 + random.nextInt(52)));
            case 2 -> sign | 0x7FF0_0000_0000_0000L;
            case 3 -> sign | 0x7FF8_0000_0000_0000L | random.nextLong() >>> 13;
            case 4 -> sign | 0x7FF0_0000_0000_0000L | Math.max(1, random.nextLong() >>> 13);
            case 5 -> sign | (long) (1023 - 80 + random.nextInt(160)) << 52 | shortFraction(52);
            default -> sign | (long) (random.nextInt(0x7FE) + 1) << 52 | shortFraction(52);
        };
    }

    private int shortFraction(int bits) {
        return (int) shortFractionLong(bits);
    }

    private long shortFractionLong(int bits) {
        long f = random.nextLong() & ((1L << bits) - 1);
        if (random.nextInt(3) == 0) {
            f &= -1L << random.nextInt(bits + 1);
        }
        return f;
    }

    /** A signed integer of the given width, biased to zero, small values and the extremes. */
    long integer(int width) {
        long min = -1L << (width - 1);
        long max = ~min;
        return switch (random.nextInt(8)) {
            case 0 -> random.nextInt(5) - 2;
            case 1 -> random.nextInt(2) == 0 ? min + random.nextInt(3) : max - random.nextInt(3);
            case 2 -> (random.nextLong() >> (64 - width)) >> random.nextInt(width);
            default -> random.nextLong() >> (64 - width);
        };
    }

    /** A valid packed BCD value (low 8 bytes, high 2 bytes) with a random number of digits. */
    long bcdLow;
    int bcdHigh;

    void bcd() {
        int digits = random.nextInt(19);
        long low = 0;
        int high = 0;
        for (int d = 0; d < digits; d++) {
            int v = random.nextInt(10);
            if (d < 16) {
                low |= (long) v << (4 * d);
            } else {
                high |= v << (4 * (d - 16));
            }
        }
        bcdLow = low;
        bcdHigh = high | random.nextInt(2) << 15;
    }
}
