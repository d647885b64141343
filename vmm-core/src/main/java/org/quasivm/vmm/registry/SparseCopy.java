package org.quasivm.vmm.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a file leaving all-zero blocks as holes. Zero bytes mean the same in every disk image format whether stored
 * or not, so this copies any image format without reading it, and a 10 GiB sparse disk stays small.
 */
public final class SparseCopy {

    private static final int BLOCK = 64 * 1024;

    private SparseCopy() {
    }

    public static void copy(Path source, Path target) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = in.read(buf, pos);
                if (n < 0) {
                    break;
                }
                buf.flip();
                if (!allZero(buf)) {
                    while (buf.hasRemaining()) {
                        out.write(buf, pos + buf.position());
                    }
                }
                pos += n;
            }
            if (out.size() < size) {
                // The file ends in a hole: one zero byte at the end gives it its length.
                out.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
            out.force(true);
        }
    }

    private static boolean allZero(ByteBuffer b) {
        int i = b.position();
        int end = b.limit();
        for (; i + 8 <= end; i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
