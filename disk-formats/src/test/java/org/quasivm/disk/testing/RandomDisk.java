package org.quasivm.disk.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * A reproducible raw disk with holes: 64 KiB regions are left as holes, filled with random bytes, written as
 * explicit zeros, or get a few random sectors inside an otherwise empty region.
 */
public final class RandomDisk {
    private RandomDisk() {
    }

    /** Writes the raw file and returns its contents. */
    public static byte[] write(Path raw, long size, long seed) throws IOException {
        byte[] content = new byte[(int) size];
        Random r = new Random(seed);
        int region = 64 * 1024;
        for (int at = 0; at < size; at += region) {
            int len = (int) Math.min(region, size - at);
            switch (r.nextInt(6)) {
                case 0, 1 -> { } // hole
                case 2, 3 -> {
                    byte[] b = new byte[len];
                    r.nextBytes(b);
                    System.arraycopy(b, 0, content, at, len);
                }
                case 4 -> { } // written zeros (below)
                default -> {
                    for (int k = 0; k < 3; k++) {
                        int sector = r.nextInt(Math.max(1, len / 512));
                        byte[] b = new byte[Math.min(512, len - sector * 512)];
                        r.nextBytes(b);
                        System.arraycopy(b, 0, content, at + sector * 512, b.length);
                    }
                }
            }
        }
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Write every non-hole region; holes stay unwritten, the size is set by truncate semantics below.
            Random again = new Random(seed);
            for (int at = 0; at < size; at += region) {
                int len = (int) Math.min(region, size - at);
                int kind = again.nextInt(6);
                if (kind == 2 || kind == 3) {
                    again.nextBytes(new byte[len]);
                } else if (kind == 5) {
                    for (int k = 0; k < 3; k++) {
                        int sector = again.nextInt(Math.max(1, len / 512));
                        again.nextBytes(new byte[Math.min(512, len - sector * 512)]);
                    }
                }
                if (kind >= 2) {
                    ch.write(ByteBuffer.wrap(content, at, len), at);
                }
            }
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return content;
    }
}
