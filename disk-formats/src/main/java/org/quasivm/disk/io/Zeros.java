package org.quasivm.disk.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Fast zero detection and zero filling for buffers (compares 8 bytes at a time, never per byte). */
public final class Zeros {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] ZERO = new byte[CHUNK];
    private static final ByteBuffer ZERO_DIRECT = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();

    private Zeros() {
    }

    /** True when {@code buf[from, to)} (absolute indexes) holds only zero bytes. */
    public static boolean isZero(ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            byte[] a = buf.array();
            int base = buf.arrayOffset();
            for (int i = from; i < to; i += CHUNK) {
                int n = Math.min(CHUNK, to - i);
                if (Arrays.mismatch(a, base + i, base + i + n, ZERO, 0, n) >= 0) {
                    return false;
                }
            }
            return true;
        }
        // Direct buffers: ByteBuffer.mismatch is vectorised by the JIT; check the first word first, since
        // data blocks almost always differ there.
        if (to - from >= 8 && buf.getLong(from) != 0) {
            return false;
        }
        for (int i = from; i < to; i += CHUNK) {
            int n = Math.min(CHUNK, to - i);
            if (buf.slice(i, n).mismatch(ZERO_DIRECT.slice(0, n)) >= 0) {
                return false;
            }
        }
        return true;
    }

    public static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i += CHUNK) {
            int n = Math.min(CHUNK, to - i);
            if (Arrays.mismatch(a, i, i + n, ZERO, 0, n) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Puts {@code count} zero bytes at the buffer's position and advances it. */
    public static void fill(ByteBuffer dst, int count) {
        if (dst.hasArray()) {
            int p = dst.position();
            int start = dst.arrayOffset() + p;
            Arrays.fill(dst.array(), start, start + count, (byte) 0);
            dst.position(p + count);
            return;
        }
        int p = dst.position();
        int end = p + count;
        int longEnd = p + (count & ~7);
        for (; p < longEnd; p += 8) {
            dst.putLong(p, 0L);
        }
        for (; p < end; p++) {
            dst.put(p, (byte) 0);
        }
        dst.position(end);
    }
}
