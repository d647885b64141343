package org.quasivm.vmm.devices.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.ScriptedSerialBackend;
import org.quasivm.vmm.testing.TestClock;

class Uart16550Test {

    private final TestClock time = new TestClock();
    private final RecordingIrqLine irq = new RecordingIrqLine();
    private final ScriptedSerialBackend host = new ScriptedSerialBackend();
    private final Uart16550 uart = new Uart16550(time.clock, irq, host);

    private int in(int reg) {
        return uart.read(reg, 1);
    }

    private void out(int reg, int value) {
        uart.write(reg, 1, value);
    }

    private void enableInterrupts(int ier) {
        out(4, 0x0B); // DTR, RTS, OUT2
        out(1, ier);
    }

    @Test
    void transmittedBytesReachTheHostAndThrStaysEmpty() {
        out(0, 'o');
        out(0, 'k');
        assertEquals("ok", host.sentText());
        assertEquals(0x60, in(5) & 0x60);
    }

    @Test
    void divisorLatchIsBankedBehindDlab() {
        out(3, 0x80);
        out(0, 0x01);
        out(1, 0x00);
        out(3, 0x03);
        out(1, 0x05);
        assertEquals(0x05, in(1));
        out(3, 0x83);
        assertEquals(0x01, in(0));
        assertEquals(0x00, in(1));
    }

    @Test
    void receivedByteRaisesDataAvailable() {
        enableInterrupts(0x01);
        host.type("A");
        uart.pollBackend();
        assertTrue(irq.isHigh());
        assertEquals(0x04, in(2) & 0x0F);
        assertEquals(0x01, in(5) & 0x01);
        assertEquals('A', in(0));
        assertFalse(irq.isHigh());
        assertEquals(0x01, in(2) & 0x0F);
    }

    @Test
    void interruptOutputIsGatedByOut2() {
        out(1, 0x01);
        out(4, 0x03);
        host.type("A");
        uart.pollBackend();
        assertEquals(0x04, in(2) & 0x0F);
        assertFalse(irq.isHigh());
        out(4, 0x0B);
        assertTrue(irq.isHigh());
    }

    @Test
    void fifoTriggerLevelDelaysDataInterrupt() {
        out(2, 0x81); // FIFO on, trigger 8
        enableInterrupts(0x01);
        host.type("1234567");
        uart.pollBackend();
        assertFalse(irq.isHigh());
        host.type("8");
        uart.pollBackend();
        assertTrue(irq.isHigh());
        assertEquals(0xC4, in(2));
    }

    @Test
    void characterTimeoutReportsFewBytesBelowTheTrigger() {
        out(3, 0x03); // 8N1
        out(2, 0xC1); // FIFO on, trigger 14
        enableInterrupts(0x01);
        host.type("abc");
        uart.pollBackend();
        assertFalse(irq.isHigh());
        time.advance(4 * 10 * 12 * 1_000_000_000L / 115_200 + 1_000); // four characters at 9600 baud
        assertTrue(irq.isHigh());
        assertEquals(0xCC, in(2));
        assertEquals('a', in(0));
        assertFalse(irq.isHigh());
    }

    @Test
    void thrEmptyInterruptOnEnableAcknowledgedByReadingIir() {
        enableInterrupts(0x02);
        assertTrue(irq.isHigh());
        assertEquals(0x02, in(2) & 0x0F);
        assertFalse(irq.isHigh());
        assertEquals(0x01, in(2) & 0x0F);
        out(0, 'x');
        assertTrue(irq.isHigh());
    }

    @Test
    void thrEmptyIsReassertedWhenReenabled() {
        enableInterrupts(0x02);
        in(2);
        out(1, 0x00);
        out(1, 0x02);
        assertEquals(0x02, in(2) & 0x0F); // Linux's UART_BUG_THRE probe expects this
    }

    @Test
    void overrunHasPriorityOverData() {
        out(4, 0x10 | 0x08); // loopback
        out(1, 0x05);
        out(2, 0x01);
        for (int i = 0; i < 17; i++) {
            out(0, i);
        }
        assertEquals(0x06, in(2) & 0x0F);
        assertEquals(0x02, in(5) & 0x02);
        assertEquals(0x04, in(2) & 0x0F);
        assertEquals(0, in(0)); // the FIFO kept the first 16
    }

    @Test
    void overrunWithFifosOffKeepsTheNewerByte() {
        out(4, 0x10); // loopback, FIFOs off (16450 mode)
        out(0, 0x11);
        out(0, 0x22);
        assertEquals(0x03, in(5) & 0x03); // OE and DR
        assertEquals(0x22, in(0));
        assertEquals(0x00, in(5) & 0x03);
    }

    @Test
    void loopbackStillInterruptsThroughOut2() {
        out(4, 0x10 | 0x08); // loopback with OUT2
        out(1, 0x01);        // receive-data interrupt
        out(0, 'i');
        assertTrue(irq.isHigh());
        in(0);
        assertFalse(irq.isHigh());
        out(4, 0x10);        // OUT2 off: the interrupt no longer reaches the PIC
        out(0, 'j');
        assertFalse(irq.isHigh());
    }

    @Test
    void loopbackReturnsTransmittedBytesAndModemOutputs() {
        out(4, 0x10);
        out(0, 'L');
        assertEquals('L', in(0));
        assertEquals("", host.sentText());
        out(4, 0x10 | 0x01 | 0x02 | 0x04 | 0x08);
        assertEquals(0xF0, in(6) & 0xF0);
    }

    @Test
    void modemStatusDeltasInterruptAndClearOnRead() {
        enableInterrupts(0x08);
        in(6);
        host.modem = SerialBackend.CONNECTED & ~0x80; // carrier lost
        uart.refreshModemInputs();
        assertTrue(irq.isHigh());
        assertEquals(0x00, in(2) & 0x0F);
        assertEquals(0x08, in(6) & 0x0F);
        assertFalse(irq.isHigh());
    }

    @Test
    void ringIndicatorReportsOnlyItsTrailingEdge() {
        host.modem = SerialBackend.CONNECTED | 0x40;
        uart.refreshModemInputs();
        assertEquals(0, in(6) & 0x04);
        host.modem = SerialBackend.CONNECTED;
        uart.refreshModemInputs();
        assertEquals(0x04, in(6) & 0x04);
    }

    @Test
    void fifoEnabledShowsInIirAndClearResetsReceiver() {
        out(2, 0x01);
        host.type("xyz");
        uart.pollBackend();
        assertEquals(0xC0, in(2) & 0xC0);
        out(2, 0x03);
        assertEquals(0, in(5) & 0x01);
    }

    @Test
    void hostInputWaitsForFifoRoom() {
        out(2, 0x01);
        host.type("0123456789abcdefXYZ");
        uart.pollBackend();
        assertEquals(3, host.waiting());
        assertEquals('0', in(0));
        assertEquals(2, host.waiting());
        assertEquals(0, in(5) & 0x02);
    }

    @Test
    void withoutFifoOnlyOneByteIsHeld() {
        host.type("ab");
        uart.pollBackend();
        assertEquals(1, host.waiting());
        assertEquals('a', in(0));
        assertEquals('b', in(0));
    }

    @Test
    void scratchRegisterKeepsItsValue() {
        out(7, 0x5A);
        assertEquals(0x5A, in(7));
    }

    @Test
    void snapshotRestoresFifoAndInterrupt() {
        out(2, 0x01);
        enableInterrupts(0x01);
        host.type("hi");
        uart.pollBackend();
        RecordingIrqLine other = new RecordingIrqLine();
        Uart16550 restored = Uart16550.fromState(uart.state(), time.clock, other, new ScriptedSerialBackend());
        assertTrue(other.isHigh());
        assertEquals('h', restored.read(0, 1));
        assertEquals('i', restored.read(0, 1));
    }

    @Test
    void oversizedFifoSnapshotIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new UartState(0, 0, 0, 1, 0, 1, 0, 0, false, false, new byte[17]));
        UartState noFifo = new UartState(0, 0, 0, 0, 0, 1, 0, 0, false, false, new byte[2]);
        assertThrows(IllegalArgumentException.class,
                () -> Uart16550.fromState(noFifo, time.clock, irq, host));
    }

    @Test
    void guestGarbageNeverThrows() {
        Random r = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            int reg = r.nextInt(10) - 1;
            if (r.nextBoolean()) {
                uart.write(reg, 1, r.nextInt());
            } else {
                int v = uart.read(reg, 1);
                assertTrue(v >= 0 && v <= 0xFF);
            }
            if (i % 97 == 0) {
                host.type("z");
                uart.pollBackend();
                time.advance(r.nextInt(5_000_000));
            }
        }
    }
}
