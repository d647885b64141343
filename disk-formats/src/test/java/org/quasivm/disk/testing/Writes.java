package org.quasivm.disk.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.quasivm.disk.BlockDevice;

/** Writes a byte array onto a device through the public API. */
public final class Writes {
    private Writes() {
    }

    /** In ascending order, in chunks of varying size (what a streaming writer accepts). */
    public static void sequential(BlockDevice dev, byte[] content) throws IOException {
        Random r = new Random(11);
        long off = 0;
        while (off < content.length) {
            int n = (int) Math.min(1 + r.nextInt(300_000), content.length - off);
            dev.write(off, ByteBuffer.wrap(content, (int) off, n));
            off += n;
        }
    }

    /** Pieces of random size (many not sector-aligned) written in shuffled order. */
    public static void shuffled(BlockDevice dev, byte[] content, long seed) throws IOException {
        Random r = new Random(seed);
        List<long[]> pieces = new ArrayList<>();
        long off = 0;
        while (off < content.length) {
            int n = (int) Math.min(1 + r.nextInt(r.nextBoolean() ? 2000 : 200_000), content.length - off);
            pieces.add(new long[] {off, n});
            off += n;
        }
        Collections.shuffle(pieces, r);
        for (long[] p : pieces) {
            ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocateDirect((int) p[1]) : ByteBuffer.allocate((int) p[1]);
            b.put(content, (int) p[0], (int) p[1]);
            b.flip();
            dev.write(p[0], b);
        }
    }
}
