package org.quasivm.disk.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PageAlignedBufferTest {
    @Test
    void startsOnAPageBoundaryWithTheRequestedCapacity() {
        for (int size : new int[] {1, 512, 4096, 65536 + 8192 + 1024, 4 << 20}) {
            ByteBuffer b = PageAlignedBuffer.allocate(size);
            assertTrue(b.isDirect());
            assertEquals(size, b.capacity());
            assertEquals(0, b.position());
            assertEquals(size, b.limit());
            assertEquals(0, b.alignmentOffset(0, PageAlignedBuffer.ALIGNMENT), "size " + size);
        }
    }
}
