package org.quasivm.vmm.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quasivm.exec.Platform;
import org.quasivm.vmm.bus.BusMapping;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.ps2.PcKey;
import org.quasivm.vmm.devices.uart.NullSerialBackend;
import org.quasivm.vmm.testing.ScriptedExecutor;

/**
 * The guest is hostile: millions of random port, MMIO and PCI configuration accesses aimed at every device (and
 * at nothing), with guest time moving and host input arriving. No host exception may escape, every access must
 * return, and afterwards a reset must bring every device back to working order.
 */
class GuestFuzzTest {

    private static final int ACCESSES = 1_500_000;

    private long retired;

    private PcBoard board() throws IOException {
        BoardConfig config = BoardConfig.builder(32 << 20, MachineTest.haltRom()).clock(ClockMode.DETERMINISTIC)
                .com1(new NullSerialBackend()).build();
        PcBoard b = new PcBoard(config);
        b.clock().attachInstructionCounter(() -> retired);
        return b;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomAccessesNeverThrowAndResetRecoversEverything(long seed) throws IOException {
        try (PcBoard b = board()) {
            fuzz(b, new Random(seed));
            b.resetDevices();
            assertDevicesWork(b);
        }
    }

    private void fuzz(PcBoard b, Random r) {
        Platform p = b.platform();
        for (int i = 0; i < ACCESSES; i++) {
            int size = 1 << r.nextInt(3);
            int kind = r.nextInt(100);
            if (kind < 70) {
                int port = targetPort(b, r);
                if (r.nextBoolean()) {
                    p.ports().out(port, size, r.nextInt());
                } else {
                    int v = p.ports().in(port, size);
                    assertTrue(size == 4 || (v >>> (8 * size)) == 0, "port value wider than the access");
                }
            } else if (kind < 85) {
                // PCI configuration, which moves BARs and the PM I/O window around
                int dev = r.nextInt(4) == 0 ? r.nextInt(32) : r.nextInt(2);
                int fn = r.nextInt(8) == 0 ? r.nextInt(8) : (dev == 1 ? 3 * r.nextInt(2) : 0);
                p.ports().out(0xCF8, 4, 0x8000_0000 | dev << 11 | fn << 8 | r.nextInt(64) << 2);
                int port = 0xCFC + r.nextInt(4);
                if (r.nextBoolean()) {
                    p.ports().out(port, size, r.nextInt());
                } else {
                    p.ports().in(port, size);
                }
            } else if (kind < 97) {
                long address = targetAddress(r);
                int msize = 1 << r.nextInt(4);
                if (r.nextBoolean()) {
                    p.memory().write(address, msize, r.nextLong());
                } else {
                    p.memory().read(address, msize);
                }
            } else if (kind < 98) {
                if (p.interrupts().hasInterrupt()) {
                    int vector = p.interrupts().acknowledge();
                    assertTrue(vector >= 0 && vector <= 0xFF);
                }
            } else if (kind < 99) {
                b.input().keyDown(PcKey.values()[r.nextInt(PcKey.values().length)]);
                b.input().mouse(r.nextInt(600) - 300, r.nextInt(600) - 300, r.nextInt(9) - 4, r.nextInt(32));
                b.deliverHostInput();
            } else {
                retired += r.nextInt(200_000); // guest time passes: timers fire
                b.clock().fireDue();
                p.timeStampCounter().getAsLong();
            }
        }
    }

    /** Mostly ports some device owns (including their neighbours), sometimes anything. */
    private static int targetPort(PcBoard b, Random r) {
        if (r.nextInt(10) == 0) {
            return r.nextInt(0x10000);
        }
        List<BusMapping> windows = b.io().mappings();
        BusMapping w = windows.get(r.nextInt(windows.size()));
        return (int) (w.base() + r.nextInt((int) w.length() + 2) - 1) & 0xFFFF;
    }

    private static long targetAddress(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> 0xA_0000L + r.nextInt(0x6_0000);                 // VGA window, shadow segments
            case 1 -> 0xFFFF_0000L + r.nextInt(0x1_0000);              // firmware ROM
            case 2 -> 0xE000_0000L + (r.nextLong() & 0x1FFF_FFFFL);    // PCI hole
            case 3 -> r.nextLong() & 0xF_FFFF_FFFFL;                    // anywhere, up to 64 GiB
            default -> 0x1F_FFF0L + r.nextInt(0x20);                    // RAM
        };
    }

    /** After reset each device answers through its registers as a BIOS expects. */
    private void assertDevicesWork(PcBoard b) {
        Platform p = b.platform();
        // PCI
        p.ports().out(0xCF8, 4, 0x8000_0000);
        assertEquals(0x1237_8086, p.ports().in(0xCFC, 4));
        // PIC and PIT: program both, let a timer tick arrive
        int[] init = {0x11, 0x08, 0x04, 0x01};
        for (int i = 0; i < 4; i++) {
            p.ports().out(i == 0 ? 0x20 : 0x21, 1, init[i]);
        }
        p.ports().out(0x21, 1, 0xFE);
        p.ports().out(0x43, 1, 0x34);
        p.ports().out(0x40, 1, 0x00);
        p.ports().out(0x40, 1, 0x10);
        retired += 10_000_000; // 10 ms at the default 1 GIPS: several timer periods
        b.clock().fireDue();
        assertTrue(p.interrupts().hasInterrupt());
        assertEquals(0x08, p.interrupts().acknowledge());
        // keyboard controller
        p.ports().out(0x64, 1, 0xAA);
        assertEquals(0x55, p.ports().in(0x60, 1));
        // UART in loopback
        p.ports().out(0x3FC, 1, 0x10);
        p.ports().out(0x3F8, 1, 'Q');
        assertEquals('Q', p.ports().in(0x3F8, 1));
        // RTC
        p.ports().out(0x70, 1, 0x0D);
        assertEquals(0x80, p.ports().in(0x71, 1));
        // fw_cfg
        p.ports().out(0x510, 2, 0);
        assertEquals('Q', p.ports().in(0x511, 1));
        // memory map: shadow back to ROM, reset vector readable
        assertEquals(0xF4, p.memory().read(0xF_FFF0L, 1));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFuzzingGuestInTheRunLoopCanStillBeResetAndPoweredOff() throws Exception {
        Random r = new Random(99);
        java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger();
        ScriptedExecutor.Call chaos = new ScriptedExecutor.Call(cpu -> {
            rounds.incrementAndGet();
            for (int i = 0; i < 20_000; i++) {
                int port = r.nextInt(10) == 0 ? r.nextInt(0x10000) : 0x20 + r.nextInt(0x3E0);
                if (port == 0x64 || port == 0x92 || port == 0xCF9 || (port >= 0xB000 && port < 0xB040)) {
                    continue; // resets and power-off are exercised separately; keep this guest running
                }
                cpu.platform().ports().out(port, 1 << r.nextInt(3), r.nextInt());
            }
        });
        List<ScriptedExecutor.Step> script = List.of(chaos, new ScriptedExecutor.Spin(50_000),
                new ScriptedExecutor.Repeat(0, 100), new ScriptedExecutor.Halt());
        BoardConfig config = BoardConfig.builder(32 << 20, MachineTest.haltRom()).clock(ClockMode.DETERMINISTIC)
                .build();
        try (Machine m = Machine.create(config, platform -> new ScriptedExecutor(platform, script), "fuzz")) {
            m.start();
            while (rounds.get() < 20) {
                Thread.sleep(10);
            }
            assertEquals(new MachineReply.Done(MachineState.RUNNING), m.reset().get(60, TimeUnit.SECONDS));
            int before = rounds.get();
            while (rounds.get() < before + 20) {
                Thread.sleep(10); // the guest runs its chaos again after the reset
            }
            assertEquals(new MachineReply.Done(MachineState.RUNNING), m.reset().get(60, TimeUnit.SECONDS));
            m.powerOff().get(60, TimeUnit.SECONDS);
            assertEquals(StopReason.Kind.HOST_POWER_OFF,
                    m.awaitStop(java.time.Duration.ofSeconds(60)).orElseThrow().kind());
        }
    }
}
