package org.quasivm.exec.fpu;

/**
 * The 80-bit packed BCD format of FBLD/FBSTP: 18 digits, two per byte from the least significant byte up, then a
 * sign byte (bit 7). Values pass through {@link Float80Arithmetic}'s result fields: {@code resultSig} holds bytes
 * 0-7 and {@code resultSe} bytes 8-9.
 */
final class PackedBcd {

    /** The largest magnitude FBSTP can store: 18 nines. */
    private static final long MAX = 999_999_999_999_999_999L;

    private PackedBcd() {
    }

    /**
     * FBLD: converts exactly. Digits above 9 are undefined by the SDM; here each nibble simply counts with its
     * binary value.
     */
    static void toFloat80(long low, int high, Float80Arithmetic alu) {
        long value = 0;
        for (int digit = 17; digit >= 0; digit--) {
            int nibble = digit >= 16 ? (high >>> (4 * (digit - 16))) & 0xF : (int) (low >>> (4 * digit)) & 0xF;
            value = value * 10 + nibble;
        }
        boolean negative = (high & 0x8000) != 0;
        alu.fromInteger(negative ? -value : value);
        if (negative) {
            alu.resultSe |= Float80.SIGN; // -0 stays negative
        }
    }

    /** FBSTP: rounds under the rounding control; IE and the BCD indefinite when the value does not fit. */
    static void fromFloat80(int se, long sig, Float80Arithmetic alu) {
        alu.flags = 0;
        int c = Float80.classify(se, sig);
        if (c == Float80.UNSUPPORTED || c == Float80.QNAN || c == Float80.SNAN || c == Float80.INFINITY) {
            alu.flags = X87.IE;
            setIndefinite(alu);
            return;
        }
        boolean negative = (se & Float80.SIGN) != 0;
        long magnitude = 0;
        if (c != Float80.ZERO) {
            int exp = se & Float80.EXP_MASK;
            int shift = Long.numberOfLeadingZeros(sig);
            int normExp = (exp == 0 ? 1 : exp) - shift;
            if (normExp - Float80.BIAS >= 60) {
                alu.flags = X87.IE;
                setIndefinite(alu);
                return;
            }
            magnitude = alu.roundToInteger(negative ? Float80.SIGN : 0, normExp, sig << shift);
            if (magnitude > MAX) {
                alu.flags = X87.IE;
                setIndefinite(alu);
                return;
            }
        }
        long low = 0;
        int high = negative ? 0x8000 : 0;
        for (int digit = 0; digit < 18; digit++) {
            long d = magnitude % 10;
            magnitude /= 10;
            if (digit < 16) {
                low |= d << (4 * digit);
            } else {
                high |= (int) d << (4 * (digit - 16));
            }
        }
        alu.resultSig = low;
        alu.resultSe = high;
    }

    /** The packed BCD indefinite: FFFF C000 0000 0000 0000h. */
    static void setIndefinite(Float80Arithmetic alu) {
        alu.resultSe = 0xFFFF;
        alu.resultSig = 0xC000_0000_0000_0000L;
    }
}
