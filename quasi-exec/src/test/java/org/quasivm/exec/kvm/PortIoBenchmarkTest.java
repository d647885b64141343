package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PortIoBenchmarkTest {

    @Test
    void firmwareHasItsResetVectorAndPatchedCount() {
        byte[] rom = PortIoBenchmark.rom(0x01020304);
        assertEquals(PortIoBenchmark.ROM_SIZE, rom.length);
        assertEquals((byte) 0xEA, rom[0xFFF0]);
        assertEquals(0x04, rom[9]);
        assertEquals(0x01, rom[12]);
    }

    @Test
    void guestDoesExactlyTheRequestedOutsUnderKvm() {
        KvmTestSupport.executorOrSkip(new TestMachine(4096)).close();
        // runQuasiVm checks the device saw exactly this many OUTs between the markers
        PortIoBenchmark.Run run = PortIoBenchmark.runQuasiVm(500);
        assertEquals(500, run.outs());
        assertTrue(run.exitsPerSecond() > 0);
    }

    @Test
    void medianOfEvenCountAveragesTheMiddlePair() {
        assertEquals(2.5, PortIoBenchmark.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(3.0, PortIoBenchmark.median(List.of(5.0, 3.0, 1.0)));
    }
}
