package org.quasivm.nativehelper.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void describesKnownErrnoBySymbolAndNumber() {
        assertEquals("EINVAL (22)", Errno.describe(22));
        assertEquals("ENOTTY (25)", Errno.describe(Errno.ENOTTY));
    }

    @Test
    void describesUnknownErrnoByNumberOnly() {
        assertEquals("errno 999 (999)", Errno.describe(999));
    }

    @Test
    void exceptionMessageNamesTheOperation() {
        ErrnoException e = new ErrnoException("KVM_SET_USER_MEMORY_REGION", Errno.EINVAL);
        assertEquals("KVM_SET_USER_MEMORY_REGION failed: EINVAL (22)", e.getMessage());
        assertEquals(Errno.EINVAL, e.errno());
    }
}
