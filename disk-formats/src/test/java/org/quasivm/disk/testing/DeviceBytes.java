package org.quasivm.disk.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.quasivm.disk.BlockDevice;

/** Reads a whole device through the public API, in chunks of varying size and alignment. */
public final class DeviceBytes {
    private DeviceBytes() {
    }

    public static byte[] readAll(BlockDevice dev) throws IOException {
        byte[] out = new byte[(int) dev.size()];
        Random r = new Random(7);
        long off = 0;
        int[] sizes = {1, 511, 512, 4096, 65536, 65537, 1 << 20, 3 << 20};
        while (off < out.length) {
            int n = (int) Math.min(sizes[r.nextInt(sizes.length)], out.length - off);
            ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
            dev.read(off, b);
            if (b.hasRemaining()) {
                throw new AssertionError("short read at " + off);
            }
            b.flip();
            b.get(out, (int) off, n);
            off += n;
        }
        return out;
    }

    /** Index of the first differing byte, or -1; bytes past {@code expected}'s end must be zero. */
    public static long firstDifference(byte[] expected, byte[] actual) {
        int n = Math.min(expected.length, actual.length);
        int m = java.util.Arrays.mismatch(expected, 0, n, actual, 0, n);
        if (m >= 0) {
            return m;
        }
        if (actual.length < expected.length) {
            return actual.length;
        }
        for (int i = expected.length; i < actual.length; i++) {
            if (actual[i] != 0) {
                return i;
            }
        }
        return -1;
    }
}
