package org.quasivm.nativehelper.libc;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlockTest {

    @TempDir
    Path dir;

    @Test
    void secondExclusiveLockIsRefusedUntilTheFirstIsReleased() throws IOException {
        Path image = Files.write(dir.resolve("disk.img"), new byte[512]);
        Flock first = Flock.tryAcquire(image, true);
        assertNotNull(first);
        assertNull(Flock.tryAcquire(image, true));
        assertNull(Flock.tryAcquire(image, false));
        first.close();
        try (Flock again = Flock.tryAcquire(image, true)) {
            assertNotNull(again);
        }
    }

    @Test
    void sharedLocksCoexist() throws IOException {
        Path image = Files.write(dir.resolve("base.img"), new byte[512]);
        try (Flock a = Flock.tryAcquire(image, false); Flock b = Flock.tryAcquire(image, false)) {
            assertNotNull(a);
            assertNotNull(b);
        }
    }
}
