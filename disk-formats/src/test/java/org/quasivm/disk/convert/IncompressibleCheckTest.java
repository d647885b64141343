package org.quasivm.disk.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IncompressibleCheckTest {
    private static final int GRAIN = 64 * 1024;
    private final IncompressibleCheck check = new IncompressibleCheck();

    private static ByteBuffer random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return ByteBuffer.allocateDirect(n).put(b).flip();
    }

    @Test
    void randomBytesAreIncompressible() {
        for (int seed = 0; seed < 20; seed++) {
            assertTrue(check.incompressible(random(GRAIN, seed), 0, GRAIN), "seed " + seed);
        }
    }

    @Test
    void textIsCompressible() {
        StringBuilder s = new StringBuilder();
        Random r = new Random(1);
        String[] words = {"disk", "grain", "table", "the", "of", "sector", "image", "write", "cluster", "zero"};
        while (s.length() < GRAIN) {
            s.append(words[r.nextInt(words.length)]).append(' ');
        }
        ByteBuffer b = ByteBuffer.allocateDirect(GRAIN).put(s.toString().getBytes(StandardCharsets.US_ASCII), 0, GRAIN)
                .flip();
        assertFalse(check.incompressible(b, 0, GRAIN));
    }

    @Test
    void randomBytesRepeatedWithinTheWindowAreCompressible() {
        ByteBuffer b = ByteBuffer.allocateDirect(GRAIN);
        ByteBuffer block = random(4096, 5);
        for (int i = 0; i < GRAIN / 4096; i++) {
            b.put(block.duplicate());
        }
        assertFalse(check.incompressible(b.flip(), 0, GRAIN));
    }

    @Test
    void anUnalignedRepeatOfAFewKibIsFound() {
        ByteBuffer b = random(GRAIN, 9);
        ByteBuffer copy = random(GRAIN, 9);
        // bytes [40001, 40001 + 3000) repeat bytes [20077, 23077): unaligned on both sides
        b.put(40001, copy, 20077, 3000);
        assertFalse(check.incompressible(b, 0, GRAIN));
    }

    @Test
    void theCheckLooksOnlyAtTheGivenRange() {
        ByteBuffer b = ByteBuffer.allocateDirect(2 * GRAIN); // zeros first: compressible
        b.put(GRAIN, random(GRAIN, 3), 0, GRAIN);
        assertFalse(check.incompressible(b, 0, GRAIN));
        assertTrue(check.incompressible(b, GRAIN, GRAIN));
    }

    @Test
    void clustersTooSmallToJudgeAreCompressed() {
        assertFalse(check.incompressible(random(8, 1), 0, 8));
    }
}
