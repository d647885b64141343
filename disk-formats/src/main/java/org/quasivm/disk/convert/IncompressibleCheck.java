package org.quasivm.disk.convert;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Recognises clusters deflate cannot shrink (encrypted or already-compressed data: archives, media, packages) before
 * spending a deflate run on them; such clusters are stored in deflate's "stored" blocks instead, at memory speed. zlib
 * needs as long to fail on random bytes as to compress text (about 50 MB/s per core here), so disks full of compressed
 * files convert to streamOptimized or compressed qcow2 several times faster. The same idea as btrfs's compression
 * heuristic.
 *
 * <p>A cluster counts as incompressible only when both hold:
 * <ol>
 *   <li>its bytes are spread almost evenly over all 256 values (measured on slices spread over the cluster), so
 *       Huffman coding cannot gain, and</li>
 *   <li>no 8-byte sequence recurs within deflate's 32 KiB window, so LZ77 has no long match to exploit (a
 *       compressed file stored twice close together is compressible). Comparing every position with every other
 *       would cost more than deflate; instead only sequences starting with one chosen byte value (an anchor, about
 *       one position in 256 in such data) are compared. Both copies of a repeat hold the same anchors, so a repeat
 *       longer than about 2 KiB is found with near certainty; a shorter one, which gains deflate little, may be
 *       missed.</li>
 * </ol>
 * A wrong "incompressible" costs only some output size, never correctness: stored blocks are valid deflate.
 *
 * <p>One instance per thread; no allocation per call.
 */
final class IncompressibleCheck {
    private static final int SLICES = 16;
    private static final int SLICE_BYTES = 1024;
    /** Byte histograms of random data sit about 1.5% above the perfectly even Σc² = N²/256; text is far above. */
    private static final double MAX_SPREAD = 1.05;
    private static final byte ANCHOR = 0x5a;
    private static final long ANCHOR_WORD = 0x5a5a5a5a5a5a5a5aL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final int WINDOW = 32 * 1024;
    private static final int TABLE_BITS = 10;
    private static final long HASH = 0x9E3779B97F4A7C15L;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int[] histogram = new int[256];
    /** The cluster copied to the heap once: plain array loops are much cheaper than direct-buffer accessors. */
    private byte[] copy = new byte[0];
    private final long[] keys = new long[1 << TABLE_BITS];
    private final int[] positions = new int[1 << TABLE_BITS];

    /** True when deflating {@code buf[from, from + length)} (absolute indexes) would not shrink it. */
    boolean incompressible(ByteBuffer buf, int from, int length) {
        if (copy.length < length) {
            copy = new byte[length]; // once per thread and cluster size
        }
        buf.get(from, copy, 0, length);
        return evenlySpread(copy, length) && noLongRepeats(copy, length);
    }

    private boolean evenlySpread(byte[] b, int length) {
        java.util.Arrays.fill(histogram, 0);
        int slice = Math.min(SLICE_BYTES, length / SLICES);
        if (slice == 0) {
            return false; // too small to judge, and cheap to deflate anyway
        }
        int step = length / SLICES;
        for (int s = 0; s < SLICES; s++) {
            int base = s * step;
            for (int i = 0; i < slice; i++) {
                histogram[b[base + i] & 0xff]++;
            }
        }
        long n = (long) slice * SLICES;
        long sumSquares = 0;
        for (int c : histogram) {
            sumSquares += (long) c * c;
        }
        return sumSquares <= MAX_SPREAD * n * n / 256.0;
    }

    private boolean noLongRepeats(byte[] b, int length) {
        java.util.Arrays.fill(positions, -1);
        int last = length - Long.BYTES; // the last position an 8-byte sequence can start at
        for (int w = 0; w <= last; w += Long.BYTES) {
            long x = (long) LONGS.get(b, w) ^ ANCHOR_WORD;
            if (((x - ONES) & ~x & HIGH_BITS) == 0) {
                continue; // no anchor byte in these eight (the usual case: 8 positions per test)
            }
            for (int q = w; q < w + Long.BYTES && q <= last; q++) {
                if (b[q] == ANCHOR && seenBefore((long) LONGS.get(b, q), q)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether {@code v} occurred at an earlier anchor within the window; records it at {@code position}. */
    private boolean seenBefore(long v, int position) {
        int h = slot(v);
        int p = positions[h];
        if (p >= 0 && keys[h] == v && position - p <= WINDOW) {
            return true;
        }
        keys[h] = v;
        positions[h] = position;
        return false;
    }

    private static int slot(long v) {
        return (int) ((v * HASH) >>> (Long.SIZE - TABLE_BITS));
    }
}
