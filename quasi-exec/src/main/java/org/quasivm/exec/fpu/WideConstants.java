package org.quasivm.exec.fpu;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The constants and tables of the transcendental functions, computed once at class initialisation with
 * {@link BigDecimal} series to 50 digits (well beyond the 128 bits kept) rather than typed in.
 */
final class WideConstants {

    private static final MathContext MC = new MathContext(50);
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final BigDecimal EPSILON = new BigDecimal("1e-50");

    /** Table steps: atan(j/32) and ln(1 + j/32) for j = 0..32. */
    static final int STEPS = 32;

    static final Wide PI;
    static final Wide HALF_PI;
    static final Wide QUARTER_PI;
    static final Wide THREE_QUARTER_PI;
    static final Wide LN2;
    static final Wide LOG2E;
    /** 2 / P where P is the 66-bit pi the x87 reduces FSIN/FCOS/FPTAN arguments with (X87Transcendentals). */
    static final Wide TWO_OVER_PI66;
    static final Wide[] ATAN = new Wide[STEPS + 1];
    static final Wide[] LN = new Wide[STEPS + 1];

    static {
        BigDecimal pi = atan(BigDecimal.ONE.divide(BigDecimal.valueOf(5), MC)).multiply(BigDecimal.valueOf(16))
                .subtract(atan(BigDecimal.ONE.divide(BigDecimal.valueOf(239), MC)).multiply(BigDecimal.valueOf(4)));
        PI = Wide.of(pi);
        HALF_PI = Wide.of(pi.divide(TWO, MC));
        QUARTER_PI = Wide.of(pi.divide(BigDecimal.valueOf(4), MC));
        THREE_QUARTER_PI = Wide.of(pi.multiply(BigDecimal.valueOf(3)).divide(BigDecimal.valueOf(4), MC));
        BigDecimal ln2 = ln(TWO);
        LN2 = Wide.of(ln2);
        LOG2E = Wide.of(BigDecimal.ONE.divide(ln2, MC));
        BigDecimal pi66 = new BigDecimal(new java.math.BigInteger("C90FDAA22168C234C", 16))
                .divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(66)), MC);
        TWO_OVER_PI66 = Wide.of(TWO.divide(pi66, MC));
        for (int j = 0; j <= STEPS; j++) {
            BigDecimal c = BigDecimal.valueOf(j).divide(BigDecimal.valueOf(STEPS), MC);
            ATAN[j] = Wide.of(atan(c));
            LN[j] = Wide.of(ln(BigDecimal.ONE.add(c)));
        }
    }

    private WideConstants() {
    }

    /** atan by halving the argument twice (atan z = 2 atan(z / (1 + sqrt(1 + z^2)))) and the Taylor series. */
    static BigDecimal atan(BigDecimal z) {
        BigDecimal w = z;
        int doublings = 0;
        for (int i = 0; i < 2; i++) {
            w = w.divide(BigDecimal.ONE.add(BigDecimal.ONE.add(w.multiply(w, MC)).sqrt(MC)), MC);
            doublings++;
        }
        BigDecimal w2 = w.multiply(w, MC);
        BigDecimal power = w;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; power.abs().compareTo(EPSILON) > 0; k++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), MC);
            sum = (k & 1) == 0 ? sum.add(term, MC) : sum.subtract(term, MC);
            power = power.multiply(w2, MC);
        }
        return sum.multiply(BigDecimal.valueOf(1L << doublings));
    }

    /** ln x for x in [1, 2] as 2 atanh((x - 1) / (x + 1)). */
    static BigDecimal ln(BigDecimal x) {
        BigDecimal s = x.subtract(BigDecimal.ONE).divide(x.add(BigDecimal.ONE), MC);
        BigDecimal s2 = s.multiply(s, MC);
        BigDecimal power = s;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; power.abs().compareTo(EPSILON) > 0; k++) {
            sum = sum.add(power.divide(BigDecimal.valueOf(2L * k + 1), MC), MC);
            power = power.multiply(s2, MC);
        }
        return sum.multiply(TWO);
    }
}
