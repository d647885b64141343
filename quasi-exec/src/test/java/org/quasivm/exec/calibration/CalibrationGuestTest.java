package org.quasivm.exec.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CalibrationGuestTest {

    @Test
    void romIsSixtyFourKilobytesWithAFarJumpAtTheResetVector() {
        byte[] rom = CalibrationGuest.rom();
        assertEquals(0x1_0000, rom.length);
        assertEquals((byte) 0xEA, rom[0xFFF0]);
        assertEquals((byte) 0xF0, rom[0xFFF4]);
        assertEquals((byte) 0xFA, rom[0]);
    }

    @Test
    void machineCountsFiveInstructionsPerIterationPlusSevenPerChunk() throws InterruptedException {
        CalibrationMachine m = new CalibrationMachine(1);
        int n = m.in(CalibrationGuest.PORT, 4);
        Thread.sleep(1);
        m.out(CalibrationGuest.PORT, 4, 0);
        assertEquals(n * 5L + 7, m.countedInstructions());
        assertEquals(0, m.in(CalibrationGuest.PORT, 4), "time is up: the guest is told to stop");
    }
}
