package org.quasivm.disk.crash;

import java.util.Random;

/**
 * The writes of the crash test: slot i is a non-overlapping region (20 KiB apart, so clusters, grains and
 * blocks are hit partially and across boundaries) with content derived from (seed, i).
 */
final class CrashSlots {
    static final int STRIDE = 20 * 1024;

    record Slot(long offset, byte[] data) {
    }

    private CrashSlots() {
    }

    static int slots(long size) {
        return (int) (size / STRIDE) - 1;
    }

    static Slot slot(int i, long seed) {
        Random r = new Random(seed * 1_000_003L + i);
        int len = 512 + r.nextInt(STRIDE - 1024);
        int shift = r.nextInt(STRIDE - len);
        byte[] b = new byte[len];
        r.nextBytes(b);
        b[0] = 1; // never an all-zero first byte, so "written" and "not written" differ everywhere observable
        return new Slot((long) i * STRIDE + shift, b);
    }
}
