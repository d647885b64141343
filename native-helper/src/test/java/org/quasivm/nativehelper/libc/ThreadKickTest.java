package org.quasivm.nativehelper.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.junit.jupiter.api.Test;

class ThreadKickTest {

    @Test
    void kickInterruptsABlockingReadWithoutKillingTheProcess() throws Exception {
        // The reader blocks in read(2) on an empty eventfd. The kick runs the do-nothing handler and SA_RESTART
        // resumes the read: the process survives and the read completes once the eventfd is signalled.
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        CompletableFuture<Long> result = new CompletableFuture<>();
        int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
        Thread reader = new Thread(() -> {
            tid.complete(ThreadKick.prepareCurrentThread());
            try (Memory value = new Memory(8)) {
                result.complete(LibC.read(fd, Pointer.nativeValue(value), 8));
            }
        });
        reader.start();
        int threadId = tid.get(10, TimeUnit.SECONDS);
        Thread.sleep(100);
        ThreadKick.kick(threadId); // handled and restarted: the process survives
        try (Memory one = new Memory(8)) {
            one.setLong(0, 1);
            LibC.write(fd, Pointer.nativeValue(one), 8);
        }
        assertEquals(8L, result.get(10, TimeUnit.SECONDS));
        LibC.close(fd);
    }

    @Test
    void kickingAThreadThatHasExitedIsIgnored() throws Exception {
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        Thread t = new Thread(() -> tid.complete(ThreadKick.prepareCurrentThread()));
        t.start();
        t.join();
        int threadId = tid.get();
        Thread.sleep(50);
        ThreadKick.kick(threadId);
    }
}
