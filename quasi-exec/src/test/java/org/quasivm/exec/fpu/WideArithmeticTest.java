package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The multi-word integer helpers and the 128-bit {@link Wide} float, against BigInteger/BigDecimal. */
class WideArithmeticTest {

    private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private final SplittableRandom random = new SplittableRandom(42);

    private static BigInteger unsigned(long v) {
        return BigInteger.valueOf(v).and(MASK64);
    }

    @Test
    void divide128MatchesBigIntegerDivision() {
        Float80Arithmetic alu = new Float80Arithmetic();
        for (int i = 0; i < 100_000; i++) {
            long d = random.nextLong() | Long.MIN_VALUE;
            long hi = random.nextLong() & Long.MAX_VALUE;
            if (Long.compareUnsigned(hi, d) >= 0) {
                hi = d - 1 - random.nextInt(3);
            }
            long lo = random.nextLong();
            BigInteger n = unsigned(hi).shiftLeft(64).or(unsigned(lo));
            BigInteger[] qr = n.divideAndRemainder(unsigned(d));
            long q = alu.divide128(hi, lo, d);
            assertEquals(qr[0].longValue(), q, "quotient");
            assertEquals(qr[1], unsigned(lo - q * d), "remainder");
        }
    }

    @Test
    void squareRootIsTheCorrectlyRoundedRoot() {
        X87Fixture f = new X87Fixture();
        for (int i = 0; i < 20_000; i++) {
            long sig = random.nextLong() | Long.MIN_VALUE;
            int exp = 0x3FFF + random.nextInt(7) - 3;
            f.run(0xDB, 0xE3);
            f.push(exp, sig);
            f.run(0xD9, 0xFA);
            // Exact: value = sig * 2^(exp - 16383 - 63); the root's significand r satisfies r = round(sqrt(R)).
            int e = exp - 16383 - 63;
            BigInteger radicand = unsigned(sig).shiftLeft((e & 1) == 0 ? 64 : 63);
            BigInteger root = radicand.sqrt();
            BigInteger rest = radicand.subtract(root.multiply(root));
            if (rest.compareTo(root) > 0) {
                root = root.add(BigInteger.ONE); // above the midpoint (never exactly on it)
            }
            if (root.bitLength() > 64) {
                root = root.shiftRight(1); // rounded up to the next power of two
            }
            assertEquals(root.longValue(), f.st0Sig(), "sqrt of " + X87Fixture.hex(exp, sig));
        }
    }

    private BigDecimal value(Wide w) {
        BigDecimal m = new BigDecimal(unsigned(w.hi).shiftLeft(64).or(unsigned(w.lo)));
        BigDecimal scaled = w.exp - 127 >= 0 ? m.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(w.exp - 127)))
                : m.divide(new BigDecimal(BigInteger.ONE.shiftLeft(127 - w.exp)));
        return w.negative ? scaled.negate() : scaled;
    }

    private Wide randomWide() {
        Wide w = new Wide();
        w.hi = random.nextLong() | Long.MIN_VALUE;
        w.lo = random.nextLong();
        w.exp = random.nextInt(40) - 20;
        w.negative = random.nextBoolean();
        return w;
    }

    private static void assertClose(BigDecimal expected, BigDecimal actual, int bits) {
        BigDecimal error = expected.subtract(actual).abs();
        BigDecimal bound = expected.abs()
                .multiply(BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(bits))));
        assertTrue(error.compareTo(bound) <= 0, "error " + error + " above 2^-" + bits + " of " + expected);
    }

    @Test
    void wideProductsAndSumsAreAccurateTo126Bits() {
        for (int i = 0; i < 5_000; i++) {
            Wide a = randomWide();
            Wide b = randomWide();
            assertClose(value(a).multiply(value(b)), value(new Wide().multiply(a, b)), 126);
            BigDecimal sum = value(a).add(value(b));
            if (sum.signum() != 0 && sum.abs().compareTo(value(a).abs().max(value(b).abs())
                    .multiply(new BigDecimal("1e-6"))) > 0) {
                assertClose(sum, value(new Wide().add(a, b)), 100);
            }
            int d = 3 + random.nextInt(5000);
            assertClose(value(a).divide(BigDecimal.valueOf(d), new MathContext(60)), value(new Wide().divide(a, d)),
                    126);
        }
    }

    @Test
    void tableConstantsMatchTheirDefinitions() {
        assertClose(new BigDecimal("3.14159265358979323846264338327950288419716939937510"),
                value(WideConstants.PI), 126);
        assertClose(new BigDecimal("0.69314718055994530941723212145817656807550013436026"),
                value(WideConstants.LN2), 126);
        assertClose(new BigDecimal("0.78539816339744830961566084581987572104929234984378"),
                value(WideConstants.ATAN[WideConstants.STEPS]), 126);
    }
}
