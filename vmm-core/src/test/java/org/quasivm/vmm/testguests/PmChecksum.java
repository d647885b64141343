package org.quasivm.vmm.testguests;

/** The integer checksum pm32.asm computes, in Java: an independent statement of what its output line must say. */
final class PmChecksum {

    static final int ROUNDS = 200_000;

    private PmChecksum() {
    }

    static int compute() {
        int x = 0x1234_5678;
        int s = 0;
        for (int i = 1; i <= ROUNDS; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            int t = x * 0x9E37_79B1;
            s = Integer.rotateLeft(s, 5) + t;
            s ^= i;
            s += t >>> (i & 31);
            if ((i & 0x3FF) == 0) {
                s += Integer.divideUnsigned(s, i | 1);
            }
        }
        return s;
    }
}
