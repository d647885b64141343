package org.quasivm.exec.fpu;

/**
 * The x87 double-extended format, held unpacked as a pair: {@code se} (sign in bit 15, biased exponent in bits 0-14)
 * and {@code sig} (the 64-bit significand with its explicit integer bit 63). Classification follows Intel SDM vol. 1,
 * 8.2.2 (unsupported encodings) and table 8-7 (FXAM classes).
 */
final class Float80 {

    static final int BIAS = 16383;
    static final int EXP_MASK = 0x7FFF;
    static final int SIGN = 0x8000;
    static final long INTEGER_BIT = 0x8000_0000_0000_0000L;
    static final long QUIET_BIT = 0x4000_0000_0000_0000L;

    /** The "real indefinite" QNaN: negative, all-ones exponent, significand 1.1000... */
    static final int INDEFINITE_SE = 0xFFFF;
    static final long INDEFINITE_SIG = 0xC000_0000_0000_0000L;

    static final int ZERO = 0;
    /** Exponent field 0, significand non-zero (including pseudo-denormals, whose integer bit is set). */
    static final int DENORMAL = 1;
    static final int NORMAL = 2;
    static final int INFINITY = 3;
    static final int QNAN = 4;
    static final int SNAN = 5;
    /** Unnormals, pseudo-infinities and pseudo-NaNs: the 387 and later reject them as invalid operands. */
    static final int UNSUPPORTED = 6;

    private Float80() {
    }

    static int classify(int se, long sig) {
        int exp = se & EXP_MASK;
        if (exp == 0) {
            return sig == 0 ? ZERO : DENORMAL;
        }
        if (sig >= 0) { // integer bit clear
            return UNSUPPORTED;
        }
        if (exp != EXP_MASK) {
            return NORMAL;
        }
        if (sig == INTEGER_BIT) {
            return INFINITY;
        }
        return (sig & QUIET_BIT) != 0 ? QNAN : SNAN;
    }

    static boolean isNaN(int se, long sig) {
        return (se & EXP_MASK) == EXP_MASK && sig < 0 && (sig << 1) != 0;
    }

    static boolean isSignalingNaN(int se, long sig) {
        return isNaN(se, sig) && (sig & QUIET_BIT) == 0;
    }

    /** The x87 tag for a non-empty register (Intel SDM vol. 1, 8.1.7): 0 valid, 1 zero, 2 special. */
    static int tag(int se, long sig) {
        int exp = se & EXP_MASK;
        if (exp == 0) {
            return sig == 0 ? 1 : 2;
        }
        return exp == EXP_MASK || sig >= 0 ? 2 : 0;
    }
}
