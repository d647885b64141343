package org.quasivm.nativehelper.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeFdTest {

    @TempDir
    Path dir;

    @Test
    void openingMissingFileNamesThePathAndErrno() {
        Path missing = dir.resolve("nope");
        ErrnoException e = assertThrows(ErrnoException.class, () -> NativeFd.open(missing, LibC.O_RDONLY));
        assertEquals("open " + missing + " failed: ENOENT (2)", e.getMessage());
    }

    @Test
    void ioctlFailureNamesTheRequest() {
        try (NativeFd fd = NativeFd.open(Path.of("/dev/null"), LibC.O_RDONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> fd.ioctl("KVM_GET_API_VERSION", 0xAE00, 0));
            assertEquals("KVM_GET_API_VERSION failed: ENOTTY (25)", e.getMessage());
        }
    }

    @Test
    void closedDescriptorIsNotHandedOut() {
        NativeFd fd = NativeFd.open(Path.of("/dev/null"), LibC.O_RDONLY);
        assertTrue(fd.value() >= 0);
        fd.close();
        assertThrows(IllegalStateException.class, fd::value);
    }
}
