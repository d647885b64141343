package org.quasivm.vmm.devices.dma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quasivm.vmm.testing.TestBoardWiring;

/** The 8237 pair and the page registers through their ports, with transfers requested as a device does. */
class IsaDmaTest {

    private final TestBoardWiring board = new TestBoardWiring();
    private final IsaDma dma = new IsaDma();

    @BeforeEach
    void plug() {
        dma.plugInto(board);
    }

    /** Programs 8-bit channel {@code ch} the way BIOSes and Linux do. */
    private void program8(int ch, int mode, long address, int bytes) {
        int[] page = {0x87, 0x83, 0x81, 0x82};
        board.outb(0x0A, 0x04 | ch);                     // mask
        board.outb(0x0C, 0);                             // clear flip-flop
        board.outb(0x0B, mode | ch);
        board.outb(2 * ch, (int) address);
        board.outb(2 * ch, (int) (address >> 8));
        board.outb(page[ch], (int) (address >> 16));
        board.outb(2 * ch + 1, bytes - 1);
        board.outb(2 * ch + 1, (bytes - 1) >> 8);
        board.outb(0x0A, ch);                            // unmask
    }

    @Test
    void addressAndCountReadBackThroughTheFlipFlop() {
        board.outb(0x0C, 0);
        board.outb(0x04, 0x34);
        board.outb(0x04, 0x12);
        board.outb(0x05, 0xFF);
        board.outb(0x05, 0x01);
        board.outb(0x0C, 0);
        assertEquals(0x34, board.inb(0x04));
        assertEquals(0x12, board.inb(0x04));
        assertEquals(0xFF, board.inb(0x05));
        assertEquals(0x01, board.inb(0x05));
    }

    @Test
    void aWriteTransferPutsDeviceBytesAtThePagedAddress() {
        program8(2, Dma8237.MODE_WRITE | 0x40, 0x12_3400, 4);
        DmaChannel ch = dma.channel(2);
        assertTrue(ch.ready());
        assertEquals(4, ch.toMemory(new byte[] {1, 2, 3, 4}, 0, 4));
        byte[] got = new byte[4];
        board.memory.readBytes(0x12_3400, got, 0, 4);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, got);
    }

    @Test
    void theTerminalCountStopsTheTransferSetsStatusAndMasksTheChannel() {
        program8(2, Dma8237.MODE_WRITE, 0x1000, 3);
        DmaChannel ch = dma.channel(2);
        assertEquals(3, ch.toMemory(new byte[8], 0, 8));
        assertTrue(ch.terminalCount());
        assertFalse(ch.ready(), "without autoinitialize the channel masks itself");
        assertEquals(0x04, board.inb(0x08) & 0x0F);
        assertEquals(0, board.inb(0x08) & 0x0F, "reading the status clears the TC bits");
        assertEquals(0, ch.toMemory(new byte[8], 0, 8));
    }

    @Test
    void autoinitializeReloadsTheBaseRegisters() {
        program8(1, Dma8237.MODE_WRITE | Dma8237.MODE_AUTOINIT, 0x2000, 2);
        DmaChannel ch = dma.channel(1);
        assertEquals(2, ch.toMemory(new byte[] {9, 9}, 0, 2));
        assertTrue(ch.ready());
        assertEquals(2, ch.toMemory(new byte[] {7, 7}, 0, 2));
        assertEquals(7, board.memory.read(0x2000, 1));
    }

    @Test
    void aReadTransferTakesMemoryBytes() {
        board.memory.writeBytes(0x3000, new byte[] {5, 6, 7});
        program8(3, Dma8237.MODE_READ, 0x3000, 3);
        byte[] got = new byte[3];
        assertEquals(3, dma.channel(3).fromMemory(got, 0, 3));
        assertArrayEquals(new byte[] {5, 6, 7}, got);
    }

    @Test
    void aChannelProgrammedForTheOtherDirectionMovesNothing() {
        program8(2, Dma8237.MODE_READ, 0x3000, 16);
        assertEquals(0, dma.channel(2).toMemory(new byte[4], 0, 4));
    }

    @Test
    void anEightBitAddressWrapsInsideItsPage() {
        program8(2, Dma8237.MODE_WRITE, 0x5_FFFE, 4);
        dma.channel(2).toMemory(new byte[] {1, 2, 3, 4}, 0, 4);
        assertEquals(1, board.memory.read(0x5_FFFE, 1));
        assertEquals(2, board.memory.read(0x5_FFFF, 1));
        assertEquals(3, board.memory.read(0x5_0000, 1), "the page register does not carry");
        assertEquals(0, board.memory.read(0x6_0000, 1));
    }

    @Test
    void decrementModeWritesDownwards() {
        program8(2, Dma8237.MODE_WRITE | Dma8237.MODE_DECREMENT, 0x4003, 3);
        dma.channel(2).toMemory(new byte[] {1, 2, 3}, 0, 3);
        assertEquals(1, board.memory.read(0x4003, 1));
        assertEquals(2, board.memory.read(0x4002, 1));
        assertEquals(3, board.memory.read(0x4001, 1));
    }

    @Test
    void sixteenBitChannelsCountWordsAndShiftTheAddress() {
        // channel 5: ports C4h (address) and C6h (count) in the second controller, page 8Bh
        board.outb(0xD4, 0x04 | 1);
        board.outb(0xD8, 0);
        board.outb(0xD6, Dma8237.MODE_WRITE | 1);
        board.outb(0xC4, 0x00);
        board.outb(0xC4, 0x08);              // word address 0800h = byte 1000h in the 128 KiB page
        board.outb(0x8B, 0x02);              // page 2: 20000h
        board.outb(0xC6, 1);                 // two words
        board.outb(0xC6, 0);
        board.outb(0xD4, 1);
        DmaChannel ch = dma.channel(5);
        assertEquals(4, ch.toMemory(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6));
        assertTrue(ch.terminalCount());
        assertEquals(0x0403_0201L, board.memory.read(0x2_1000, 4));
    }

    @Test
    void unmaskingServesAWaitingRequest() {
        program8(2, Dma8237.MODE_WRITE, 0x6000, 1);
        board.outb(0x0A, 0x04 | 2);
        int[] served = {0};
        dma.channel(2).request(true, ch -> served[0]++);
        assertEquals(0, served[0]);
        board.outb(0x0A, 2);
        assertEquals(1, served[0]);
    }

    @Test
    void masterClearMasksEveryChannel() {
        program8(2, Dma8237.MODE_WRITE, 0x6000, 1);
        board.outb(0x0D, 0);
        assertFalse(dma.channel(2).ready());
        assertEquals(0xFF, board.inb(0x0F));
    }
}
