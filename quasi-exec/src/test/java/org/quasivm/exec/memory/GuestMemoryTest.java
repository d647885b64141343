package org.quasivm.exec.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.quasivm.nativehelper.libc.HostAddress;

class GuestMemoryTest {

    @Test
    void memoryIsDirectLittleEndianPageAlignedAndZero() {
        ByteBuffer b = GuestMemory.allocate(3 * 4096);
        assertTrue(b.isDirect());
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
        assertEquals(3 * 4096, b.capacity());
        assertEquals(0, HostAddress.of(b) % 4096);
        for (int i = 0; i < b.capacity(); i += 8) {
            assertEquals(0, b.getLong(i));
        }
    }

    @Test
    void guestRamLargerThanTheDirectMemoryLimitCanBeAllocated() {
        // surefire runs with -Xmx2g, so direct memory is limited to about 2 GiB; 4 x 1 GiB exceeds it
        ByteBuffer[] chunks = new ByteBuffer[4];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = GuestMemory.allocate(1L << 30);
            chunks[i].put((1 << 30) - 1, (byte) 7);
        }
        assertEquals(7, chunks[3].get((1 << 30) - 1));
    }

    @Test
    void sizeThatIsNotWholePagesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.allocate(100));
    }
}
