package org.quasivm.nativehelper.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quasivm.nativehelper.libc.AnonymousMapping;
import org.quasivm.nativehelper.libc.Errno;
import org.quasivm.nativehelper.libc.ThreadKick;

class KvmVcpuExitTest {

    private static Kvm kvm;

    @BeforeAll
    static void open() {
        kvm = KvmTestSupport.openOrSkip();
    }

    @AfterAll
    static void close() {
        if (kvm != null) {
            kvm.close();
        }
    }

    @Test
    void outExitCarriesPortSizeAndDataThenHltExits() {
        // mov al,42h / out 10h,al / hlt
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0xB0, 0x42, 0xE6, 0x10, 0xF4)) {
            assertEquals(KvmRunPage.EXIT_IO, g.runToExit());
            KvmRunPage run = g.vcpu.runPage();
            assertEquals(KvmRunPage.IO_OUT, run.ioDirection());
            assertEquals(0x10, run.ioPort());
            assertEquals(1, run.ioSize());
            assertEquals(1, run.ioCount());
            assertEquals(0x42, run.bytes().get((int) run.ioDataOffset()));
            assertEquals(KvmRunPage.EXIT_HLT, g.runToExit());
        }
    }

    @Test
    void inExitTakesTheValueUserSpaceStores() {
        // in al,20h / out 21h,al / hlt
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0xE4, 0x20, 0xE6, 0x21, 0xF4)) {
            assertEquals(KvmRunPage.EXIT_IO, g.runToExit());
            KvmRunPage run = g.vcpu.runPage();
            assertEquals(KvmRunPage.IO_IN, run.ioDirection());
            assertEquals(0x20, run.ioPort());
            run.bytes().put((int) run.ioDataOffset(), (byte) 0x99);
            assertEquals(KvmRunPage.EXIT_IO, g.runToExit());
            assertEquals(0x21, run.ioPort());
            assertEquals((byte) 0x99, run.bytes().get((int) run.ioDataOffset()));
        }
    }

    @Test
    void writeToReadOnlySlotExitsAsMmioWhileReadsComeFromMemory() {
        // mov byte [0],55h / mov al,[4] / out 10h,al / hlt   (DS = 1000h: the read-only slot)
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0xC6, 0x06, 0x00, 0x00, 0x55, 0xA0, 0x04, 0x00, 0xE6,
                0x10, 0xF4); AnonymousMapping rom = AnonymousMapping.allocate(4096)) {
            rom.bytes().put(4, (byte) 0x77);
            g.vm.setUserMemoryRegion(1, KvmVm.MEM_READONLY, 0x10000, 4096, rom.address());
            g.setDs(0x1000);
            assertEquals(KvmRunPage.EXIT_MMIO, g.runToExit());
            KvmRunPage run = g.vcpu.runPage();
            assertTrue(run.mmioIsWrite());
            assertEquals(0x10000, run.mmioAddress());
            assertEquals(1, run.mmioLength());
            assertEquals(0x55, run.mmioData() & 0xFF);
            assertEquals(KvmRunPage.EXIT_IO, g.runToExit());
            assertEquals(0x77, run.bytes().get((int) run.ioDataOffset()));
            assertEquals(0, rom.bytes().get(0));
        }
    }

    @Test
    void readFromAHoleExitsAsMmioAndTakesTheAnswer() {
        // mov ax,[0] / out 10h,ax / hlt   (DS = 2000h: nothing mapped)
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0xA1, 0x00, 0x00, 0xE7, 0x10, 0xF4)) {
            g.setDs(0x2000);
            assertEquals(KvmRunPage.EXIT_MMIO, g.runToExit());
            KvmRunPage run = g.vcpu.runPage();
            assertFalse(run.mmioIsWrite());
            assertEquals(0x20000, run.mmioAddress());
            assertEquals(2, run.mmioLength());
            run.setMmioData(0xBEEF);
            assertEquals(KvmRunPage.EXIT_IO, g.runToExit());
            assertEquals(2, run.ioSize());
            assertEquals((short) 0xBEEF, run.bytes().getShort((int) run.ioDataOffset()));
        }
    }

    @Test
    void dirtyLogReportsThePagesTheGuestWrote() {
        // mov byte [3000h],1 / hlt
        try (RealModeGuest g = new RealModeGuest(kvm, KvmVm.MEM_LOG_DIRTY_PAGES, 0xC6, 0x06, 0x00, 0x30, 0x01,
                0xF4)) {
            g.vm.dirtyPages(0, RealModeGuest.RAM_SIZE); // start from a clean log
            assertEquals(KvmRunPage.EXIT_HLT, g.runToExit());
            BitSet dirty = g.vm.dirtyPages(0, RealModeGuest.RAM_SIZE);
            assertTrue(dirty.get(3), dirty.toString());
            assertFalse(dirty.get(5), dirty.toString());
            assertTrue(g.vm.dirtyPages(0, RealModeGuest.RAM_SIZE).isEmpty());
        }
    }

    @Test
    void immediateExitReturnsEintrWithoutEnteringTheGuest() {
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0xEB, 0xFE)) {
            g.vcpu.runPage().setImmediateExit(true);
            assertEquals(Errno.EINTR, g.vcpu.run());
        }
    }

    @Test
    void kickEndsKvmRunOfAGuestInAnEndlessLoop() throws Exception {
        // jmp $
        try (RealModeGuest g = new RealModeGuest(kvm, 0, 0xEB, 0xFE)) {
            CompletableFuture<Integer> tid = new CompletableFuture<>();
            CompletableFuture<Integer> errno = new CompletableFuture<>();
            Thread vcpuThread = new Thread(() -> {
                tid.complete(ThreadKick.prepareCurrentThread());
                errno.complete(g.vcpu.run());
            });
            vcpuThread.start();
            int threadId = tid.get(30, TimeUnit.SECONDS);
            while (!errno.isDone()) {
                ThreadKick.kick(threadId); // repeat: the first kick may land before KVM_RUN starts
                Thread.sleep(50);
            }
            assertEquals(Errno.EINTR, errno.get());
            vcpuThread.join();
        }
    }

    @Test
    void badMemorySlotFailsNamingTheIoctl() {
        try (KvmVm vm = kvm.createVm()) {
            KvmException e = assertThrows(KvmException.class,
                    () -> vm.setUserMemoryRegion(0, 0, 0x1000, 4096, 0x1234));
            assertEquals("KVM_SET_USER_MEMORY_REGION failed: EINVAL (22)", e.getMessage());
        }
    }
}
