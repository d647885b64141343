package org.quasivm.vmm.devices.chipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.devices.pit.Pit8254;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.TestClock;

class ChipsetPortsTest {

    private final List<Boolean> a20 = new ArrayList<>();
    private final A20Gate gate = new A20Gate(a20::add);
    private int resets;
    private final TestClock time = new TestClock();
    private final Pit8254 pit = new Pit8254(time.clock, new RecordingIrqLine());

    @Test
    void a20IsTheOrOfKeyboardControllerAndFastGate() {
        assertTrue(gate.enabled());
        gate.setKeyboardController(false);
        assertEquals(List.of(false), a20);
        gate.setFast(true);
        gate.setKeyboardController(true);
        gate.setFast(false);
        assertEquals(List.of(false, true), a20);
    }

    @Test
    void port92SetsFastA20AndResetsOnRisingBit0() {
        SystemControlPortA port = new SystemControlPortA(gate, () -> resets++);
        gate.setKeyboardController(false);
        port.write(0, 1, 0x02);
        assertTrue(gate.enabled());
        assertEquals(0x02, port.read(0, 1));
        port.write(0, 1, 0x03);
        port.write(0, 1, 0x03);
        assertEquals(1, resets);
    }

    @Test
    void cf9ResetsWhenRcpuIsWritten() {
        ResetControlRegister rcr = new ResetControlRegister(() -> resets++);
        rcr.write(1, 1, 0x02);
        assertEquals(0, resets);
        assertEquals(0x02, rcr.read(1, 1));
        rcr.write(1, 1, 0x06);
        assertEquals(1, resets);
        rcr.write(0, 1, 0x06); // CF8h as a byte: not this register
        assertEquals(1, resets);
    }

    @Test
    void port61GatesTimer2AndShowsItsOutput() {
        SystemControlPortB port = new SystemControlPortB(pit, time.clock);
        port.write(0, 1, 0x01);
        pit.write(3, 1, 0xB0); // counter 2, mode 0
        pit.write(2, 1, 100);
        pit.write(2, 1, 0);
        assertEquals(0, port.read(0, 1) & 0x20);
        time.advance(200_000);
        assertEquals(0x20, port.read(0, 1) & 0x20);
        assertTrue(pit.gate(2));
        port.write(0, 1, 0x00);
        assertFalse(pit.gate(2));
    }

    @Test
    void port61RefreshBitToggles() {
        SystemControlPortB port = new SystemControlPortB(pit, time.clock);
        int first = port.read(0, 1) & 0x10;
        time.advance(15_100);
        assertEquals(first ^ 0x10, port.read(0, 1) & 0x10);
    }

    @Test
    void port61SpeakerNeedsGateAndData() {
        SystemControlPortB port = new SystemControlPortB(pit, time.clock);
        port.write(0, 1, 0x02);
        assertFalse(port.speakerOn());
        port.write(0, 1, 0x03);
        assertTrue(port.speakerOn());
        assertEquals(0x03, port.read(0, 1) & 0x0F);
        port.write(0, 1, 0xF0);
        assertEquals(0, port.read(0, 1) & 0x0F);
    }
}
