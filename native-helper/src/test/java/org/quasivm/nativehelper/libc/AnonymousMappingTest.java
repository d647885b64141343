package org.quasivm.nativehelper.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class AnonymousMappingTest {

    @Test
    void mappingIsPageAlignedZeroedAndWritable() {
        try (AnonymousMapping m = AnonymousMapping.allocate(64 * 1024)) {
            assertEquals(0, m.address() % 4096);
            ByteBuffer b = m.bytes();
            assertEquals(64 * 1024, b.capacity());
            assertEquals(0, b.getLong(8192));
            b.putInt(65532, 0x11223344);
            assertEquals(0x44, b.get(65532));
        }
    }

    @Test
    void hostAddressOfASliceIsItsOwnStart() {
        try (AnonymousMapping m = AnonymousMapping.allocate(3 * 4096)) {
            ByteBuffer slice = m.bytes().slice(4096, 4096);
            assertEquals(m.address(), HostAddress.of(m.bytes()));
            assertEquals(m.address() + 4096, HostAddress.of(slice));
        }
    }

    @Test
    void sizeThatIsNotWholePagesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AnonymousMapping.allocate(4097));
        assertThrows(IllegalArgumentException.class, () -> AnonymousMapping.allocate(0));
    }
}
