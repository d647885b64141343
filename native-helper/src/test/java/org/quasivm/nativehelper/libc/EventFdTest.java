package org.quasivm.nativehelper.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EventFdTest {

    @Test
    void signalsAddUpUntilDrained() throws InterruptedException {
        try (EventFd e = EventFd.create()) {
            e.signal(2);
            Thread other = new Thread(() -> e.signal(3));
            other.start();
            other.join();
            assertEquals(5, e.drain());
            assertEquals(0, e.drain());
        }
    }
}
