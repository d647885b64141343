package org.quasivm.exec.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class CpuStateTest {

    static CpuState sample(long rax) {
        long[] gprs = new long[16];
        gprs[CpuState.RAX] = rax;
        SegmentState data = SegmentState.realMode(0);
        SegmentState code = new SegmentState(0xF000, 0xFFFF0000L, 0xFFFF, SegmentState.P | SegmentState.S | 0xB);
        TreeMap<Integer, Long> msrs = new TreeMap<>();
        msrs.put(0x10, 5L);
        return new CpuState(gprs, 0xFFF0, 2, data, code, data, data, data, data,
                new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0x2), new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0xB),
                new TableRegister(0, 0xFFFF), new TableRegister(0, 0xFFFF), 0x60000010L, 0, 0, 0, 0,
                new long[8], msrs, FpuState.powerOn(), false, 0, false, false, 0);
    }

    @Test
    void statesWithEqualRegistersAreEqualAndDifferentOnesAreNot() {
        assertEquals(sample(1), sample(1));
        assertNotEquals(sample(1), sample(2));
    }

    @Test
    void callerCannotChangeRegistersAfterConstruction() {
        CpuState s = sample(7);
        s.gprs()[CpuState.RAX] = 99;
        assertEquals(7, s.gpr(CpuState.RAX));
    }

    @Test
    void wrongRegisterCountIsRejected() {
        CpuState s = sample(1);
        assertThrows(IllegalArgumentException.class, () -> new CpuState(new long[8], 0, 2, s.es(), s.cs(), s.ss(),
                s.ds(), s.fs(), s.gs(), s.ldtr(), s.tr(), s.gdtr(), s.idtr(), 0, 0, 0, 0, 0, new long[8], s.msrs(),
                s.fpu(), false, 0, false, false, 0));
    }

    @Test
    void flagsWithoutReservedBitOneAreRejected() {
        CpuState s = sample(1);
        assertThrows(IllegalArgumentException.class, () -> new CpuState(s.gprs(), 0, 0, s.es(), s.cs(), s.ss(),
                s.ds(), s.fs(), s.gs(), s.ldtr(), s.tr(), s.gdtr(), s.idtr(), 0, 0, 0, 0, 0, new long[8], s.msrs(),
                s.fpu(), false, 0, false, false, 0));
    }

    @Test
    void undefinedSegmentAttributeBitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SegmentState(0, 0, 0, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new SegmentState(0x10000, 0, 0, 0));
    }

    @Test
    void fpuRegisterFileMustBeEightyBytes() {
        assertThrows(IllegalArgumentException.class,
                () -> new FpuState(0x37F, 0, 0xFFFF, 0, 0, 0, 0, 0, new byte[79], 0x1F80, new byte[128]));
    }
}
