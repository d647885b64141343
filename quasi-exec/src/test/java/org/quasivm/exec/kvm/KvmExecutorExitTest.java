package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.quasivm.exec.testing.Nasm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.exec.Exit;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.state.TableRegister;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;

class KvmExecutorExitTest {

    @TempDir
    Path dir;

    @Test
    void stringOutputReachesThePortAndHltEndsTheRun() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "hello.asm")) {
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals("hello, kvm", m.console.toString());
        }
    }

    @Test
    void haltedCpuWithoutInterruptsStaysHalted() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "hello.asm")) {
            kvm.run(Long.MAX_VALUE);
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals("hello, kvm", m.console.toString());
            assertTrue(kvm.saveState().halted());
        }
    }

    @Test
    void accessesToAHoleGoToPhysicalMemoryIncludingSplitOnes() {
        TestMachine m = new TestMachine(64 * 1024);
        m.slowReadValue = 0xBEEF;
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "mmio.asm")) {
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals("\u00EF\u00BE", m.console.toString());
            assertEquals("write a0010/1=5a", m.slowAccesses.get(0));
            assertEquals("read a0020/2", m.slowAccesses.get(1));
            // the dword at A0FFEh straddles a page: KVM hands it over in two parts
            String rest = String.join(",", m.slowAccesses.subList(2, m.slowAccesses.size()));
            assertEquals("write a0ffe/2=3344,write a1000/2=1122", rest);
        }
    }

    @Test
    void writeToReadOnlyRegionGoesToPhysicalMemoryAndLeavesTheBytes() {
        TestMachine m = new TestMachine(64 * 1024);
        var rom = GuestMemory.allocate(64 * 1024);
        rom.put(0, (byte) 0x3C);
        m.addRegion(new MemoryRegion("rom", 0xF0000, rom, true));
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "rom-write.asm")) {
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals(List.of("write f0000/1=77"), m.slowAccesses);
            assertEquals("\u003C", m.console.toString());
            assertEquals(0x3C, rom.get(0));
        }
    }

    @Test
    void requestFromAnotherThreadEndsARunThatMakesNoExits() throws Exception {
        TestMachine m = new TestMachine(64 * 1024);
        CountDownLatch started = new CountDownLatch(1);
        m.onConsole = c -> started.countDown();
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "spin.asm")) {
            Thread monitor = new Thread(() -> {
                try {
                    started.await(60, TimeUnit.SECONDS);
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                kvm.requestExit();
            });
            monitor.start();
            assertEquals(Exit.EXIT_REQUESTED, kvm.run(Long.MAX_VALUE));
            monitor.join();
            assertEquals("S", m.console.toString());
        }
    }

    @Test
    void requestBeforeRunReturnsAtOnceAndOnlyOnce() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "hello.asm")) {
            kvm.requestExit();
            assertEquals(Exit.EXIT_REQUESTED, kvm.run(Long.MAX_VALUE));
            assertEquals("", m.console.toString());
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
        }
    }

    @Test
    void tripleFaultIsAShutdown() {
        TestMachine m = new TestMachine(64 * 1024);
        m.load(0x1000, Nasm.assemble("kvm-guests/triple-fault.asm"));
        try (KvmExecutor kvm = KvmTestSupport.executorOrSkip(m)) {
            kvm.restoreState(KvmTestSupport.flatProtectedModeAt(0x1000, new TableRegister(0, 0)));
            Exit exit = kvm.run(Long.MAX_VALUE);
            Exit.Shutdown shutdown = assertInstanceOf(Exit.Shutdown.class, exit);
            assertTrue(shutdown.reason().startsWith("triple fault (KVM_EXIT_SHUTDOWN)"), shutdown.reason());
        }
    }

    @Test
    void fetchingCodeFromAHoleIsAnInternalErrorWithRegisters() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "mmio-fetch.asm")) {
            Exit exit = kvm.run(Long.MAX_VALUE);
            Exit.InternalError error = assertInstanceOf(Exit.InternalError.class, exit);
            assertTrue(error.message().startsWith("KVM internal error"), error.message());
            assertTrue(error.message().contains("cs:eip=a000:00000000"), error.message());
        }
    }

    @Test
    void a20OffWrapsTheFirstMegabyte() {
        TestMachine m = new TestMachine(2 * 1024 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "a20.asm")) {
            kvm.setA20(false);
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals(0x42, m.console.charAt(0));
            assertEquals(0x42, m.ram().get(0));
            assertEquals(0, m.ram().get(0x100000));
        }
    }

    @Test
    void a20OnReachesTheSecondMegabyte() {
        TestMachine m = new TestMachine(2 * 1024 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "a20.asm")) {
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertEquals(0x42, m.ram().get(0x100000));
            assertFalse(m.ram().get(0) == 0x42);
        }
    }

    @Test
    void regionAddedLaterIsMappedAfterMemoryMapChanged() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "rom-write.asm")) {
            var added = GuestMemory.allocate(64 * 1024);
            added.put(0, (byte) 0x55);
            m.addRegion(new MemoryRegion("late", 0xF0000, added, false));
            kvm.memoryMapChanged();
            assertEquals(Exit.HALTED, kvm.run(Long.MAX_VALUE));
            assertTrue(m.slowAccesses.isEmpty(), m.slowAccesses.toString());
            assertEquals(0x77, added.get(0));
            assertEquals("\u0077", m.console.toString());
        }
    }

    @Test
    void missingDeviceFailsWithOneLine() {
        TestMachine m = new TestMachine(64 * 1024);
        Path missing = dir.resolve("kvm");
        KvmUnavailableException e = assertThrows(KvmUnavailableException.class,
                () -> new KvmExecutor(m.platform(), missing));
        assertEquals("KVM is not available: " + missing
                + " does not exist (no hardware virtualization, or the kvm module is not loaded)", e.getMessage());
    }

    @Test
    void instructionsRetiredIsUnknown() {
        TestMachine m = new TestMachine(64 * 1024);
        try (KvmExecutor kvm = KvmTestSupport.realModeGuest(m, "hello.asm")) {
            kvm.run(Long.MAX_VALUE);
            assertEquals(-1, kvm.instructionsRetired());
            assertEquals("kvm", kvm.name());
        }
    }
}
