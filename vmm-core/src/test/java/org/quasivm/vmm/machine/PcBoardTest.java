package org.quasivm.vmm.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.fwcfg.FwCfg;
import org.quasivm.vmm.testing.ByteRegisters;

class PcBoardTest {

    @TempDir
    Path dir;

    private PcBoard board(long ram) throws IOException {
        return new PcBoard(BoardConfig.builder(ram, MachineTest.haltRom()).clock(ClockMode.DETERMINISTIC).build());
    }

    private int cmos(PcBoard b, int reg) {
        b.io().out(0x70, 1, reg);
        return b.io().in(0x71, 1);
    }

    @Test
    void cmosDescribesMemoryAsQemuDoes() throws IOException {
        try (PcBoard b = board(256L << 20)) {
            assertEquals(640, cmos(b, 0x15) | cmos(b, 0x16) << 8);
            assertEquals(0xFFFF, cmos(b, 0x17) | cmos(b, 0x18) << 8);
            assertEquals((256 - 16) * 16, cmos(b, 0x34) | cmos(b, 0x35) << 8);
            assertEquals(0, cmos(b, 0x5B));
            assertEquals(0, cmos(b, 0x5F));
            assertEquals(0x06, cmos(b, 0x14));
            assertEquals(0x32, cmos(b, 0x3D)); // first disk, then CD-ROM
            assertEquals(0x10, cmos(b, 0x38)); // third: floppy
            int sum = 0;
            for (int i = 0x10; i <= 0x2D; i++) {
                sum += cmos(b, i);
            }
            assertEquals(sum, cmos(b, 0x2E) << 8 | cmos(b, 0x2F));
        }
    }

    @Test
    void fwCfgOffersTheE820MapAndRamSize() throws IOException {
        try (PcBoard b = board(64L << 20)) {
            int key = b.fwCfg().fileKey("etc/e820");
            b.io().out(0x510, 2, key);
            byte[] e820 = new byte[20];
            for (int i = 0; i < 20; i++) {
                e820[i] = (byte) b.io().in(0x511, 1);
            }
            ByteBuffer e = ByteBuffer.wrap(e820).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, e.getLong());
            assertEquals(64L << 20, e.getLong());
            assertEquals(1, e.getInt());
            b.io().out(0x510, 2, FwCfg.RAM_SIZE);
            assertEquals(0, b.io().in(0x511, 1));
            assertEquals(0, b.io().in(0x511, 1));
            assertEquals(0, b.io().in(0x511, 1));
            assertEquals(0x04, b.io().in(0x511, 1));
        }
    }

    @Test
    void pciBusHoldsTheChipsetFunctions() throws IOException {
        try (PcBoard b = board(32L << 20)) {
            b.io().out(0xCF8, 4, 0x8000_0000);
            assertEquals(0x1237_8086, b.io().in(0xCFC, 4));
            b.io().out(0xCF8, 4, 0x8000_0800);
            assertEquals(0x7000_8086, b.io().in(0xCFC, 4));
            b.io().out(0xCF8, 4, 0x8000_0B00);
            assertEquals(0x7113_8086, b.io().in(0xCFC, 4));
            b.io().out(0xCF8, 4, 0x8000_0800 | 0x0C);
            assertEquals(0x80, b.io().in(0xCFE, 1)); // PIIX3 is multi-function
        }
    }

    @Test
    void plugsGetPortsPciSlotsAndResetHooks() throws IOException {
        ByteRegisters regs = new ByteRegisters(0x30);
        List<String> resets = new ArrayList<>();
        BoardConfig config = BoardConfig.builder(16 << 20, MachineTest.haltRom()).plug(w -> {
            w.mapIo("vga", 0x3B0, 0x30, regs, AccessWidth.BYTE);
            w.mapMmio("vga-window", 0xA_0000L, 0x2_0000L, regs);
            w.onReset(() -> resets.add("vga"));
        }).build();
        try (PcBoard b = new PcBoard(config)) {
            b.io().out(0x3C0, 1, 0x11);
            assertEquals(0x11, regs.bytes[0x10]);
            b.memory().write(0xA_0005L, 1, 0x22);
            assertEquals(0x22, regs.bytes[5]);
            b.resetDevices();
            assertEquals(List.of("vga"), resets);
        }
    }

    @Test
    void cmosPersistsBetweenBoards() throws IOException {
        Path file = dir.resolve("cmos.bin");
        BoardConfig config = BoardConfig.builder(16 << 20, MachineTest.haltRom()).cmosFile(file).build();
        try (PcBoard b = new PcBoard(config)) {
            b.io().out(0x70, 1, 0x40);
            b.io().out(0x71, 1, 0xA5);
        }
        try (PcBoard b = new PcBoard(config)) {
            assertEquals(0xA5, cmos(b, 0x40));
        }
    }

    @Test
    void resetReturnsDevicesButKeepsRamAndRtc() throws IOException {
        try (PcBoard b = board(16L << 20)) {
            b.memory().write(0x1000, 4, 0x1234_5678L);
            b.io().out(0x21, 1, 0xAB);
            b.io().out(0x92, 1, 0x02);
            b.io().out(0x70, 1, 0x40);
            b.io().out(0x71, 1, 0x77);
            b.resetDevices();
            assertEquals(0x1234_5678L, b.memory().read(0x1000, 4));
            assertEquals(0x00, b.io().in(0x21, 1));
            assertEquals(0x00, b.io().in(0x92, 1));
            assertEquals(0x77, cmos(b, 0x40));
        }
    }

    @Test
    void unmappedPortsAreCountedNotFatal() throws IOException {
        try (PcBoard b = board(16L << 20)) {
            assertEquals(0xFF, b.io().in(0x278, 1));
            assertTrue(b.io().unmapped().reads() >= 1);
            assertFalse(b.io().isMapped(0x278));
        }
    }
}
