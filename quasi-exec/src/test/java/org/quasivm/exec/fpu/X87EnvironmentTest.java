package org.quasivm.exec.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.state.FpuState;

/** The FSTENV/FSAVE/FXSAVE images (SDM vol. 1 figures 8-9 to 8-12, table 10-2) and precise faults around them. */
class X87EnvironmentTest {

    private final X87Fixture f = new X87Fixture();

    /** FLD1, then FLD m64 at 0x200 (FDS 2Bh): pointers FIP 1000h, FCS 08h, FOP 500h, FDP 200h. */
    private void twoLoads() {
        f.run(0xD9, 0xE8);
        f.host.write64(0x200, Double.doubleToRawLongBits(2.0));
        f.run(0xDD, 0, 0x200);
    }

    @Test
    void fnstenvStoresTheProtectedMode32BitLayoutAndMasksExceptions() {
        f.controlWord(0x0360); // IE and DE unmasked
        twoLoads();
        f.run(0xD9, 6, 0x400);
        assertEquals(0xFFFF_0360, f.host.read32(0x400));
        assertEquals(0xFFFF_3000, f.host.read32(0x404));
        assertEquals(0xFFFF_0FFF, f.host.read32(0x408));
        assertEquals(0x1000, f.host.read32(0x40C));
        assertEquals(0x0500_0008, f.host.read32(0x410));
        assertEquals(0x200, f.host.read32(0x414));
        assertEquals(0xFFFF_002B, f.host.read32(0x418));
        assertEquals(0x037F, f.x87.controlWord());
    }

    @Test
    void fnstenvInRealModeWith16BitOperandsStoresLinearPointersAndTheOpcode() {
        f.host.protectedMode = false;
        f.host.operandSize32 = false;
        f.host.codeSelector = 0x1234;
        f.host.instructionPointer = 0x5678; // linear 179B8h
        twoLoads();                          // data 2Bh:200h, linear 4B0h
        f.run(0xD9, 6, 0x400);
        assertEquals(0x037F, f.host.read16(0x400));
        assertEquals(0x79B8, f.host.read16(0x406));
        assertEquals(0x1500, f.host.read16(0x408));
        assertEquals(0x04B0, f.host.read16(0x40A));
        assertEquals(0x0000, f.host.read16(0x40C));
    }

    @Test
    void fldenvReadsBackTheRealMode32BitLayout() {
        f.host.protectedMode = false;
        f.host.codeSelector = 0x1234;
        f.host.instructionPointer = 0x5678;
        twoLoads();
        f.run(0xD9, 6, 0x400);
        f.run(0xD9, 4, 0x400);
        FpuState s = f.x87.save();
        assertEquals(0x179B8, s.lastIp(), "real mode keeps the linear address");
        assertEquals(0x500, s.lastOpcode());
        assertEquals(0x4B0, s.lastDp());
    }

    @Test
    void fnsaveStoresRegistersInStackOrderThenInitializes() {
        twoLoads();
        f.run(0xDD, 6, 0x400);
        assertEquals(0x4000, f.host.read16(0x400 + 28 + 8), "ST0 = 2.0");
        assertEquals(0x3FFF, f.host.read16(0x400 + 38 + 8), "ST1 = 1.0");
        FpuState s = f.x87.save();
        assertEquals(0x037F, s.controlWord());
        assertEquals(0xFFFF, s.tagWord());
        assertEquals(0, s.lastIp());
    }

    @Test
    void frstorBringsBackExactlyWhatFnsaveSaved() {
        f.controlWord(0x0A7F);
        twoLoads();
        f.run(0xD9, 0xEB);
        FpuState before = f.x87.save();
        f.run(0xDD, 6, 0x400);
        f.run(0xDD, 4, 0x400);
        assertEquals(before, f.x87.save());
    }

    @Test
    void sixteenBitFrstorRoundTripsInProtectedMode() {
        f.host.operandSize32 = false;
        twoLoads();
        FpuState before = f.x87.save();
        f.run(0xDD, 6, 0x400);
        f.run(0xDD, 4, 0x400);
        FpuState after = f.x87.save();
        assertEquals(before.statusWord(), after.statusWord());
        assertEquals(before.tagWord(), after.tagWord());
        assertEquals(java.util.Arrays.toString(before.registers()), java.util.Arrays.toString(after.registers()));
        assertEquals(0, after.lastOpcode(), "the 16-bit protected-mode image has no opcode field");
    }

    @Test
    void fxsaveWritesAbridgedTagsMxcsrAndSixteenByteRegisters() {
        twoLoads();
        f.x87.fxsave(0x400, f.host);
        assertEquals(0x037F, f.host.read16(0x400));
        assertEquals(0x3000, f.host.read16(0x402));
        assertEquals(0xC0, f.host.read8(0x404), "R6 and R7 in use");
        assertEquals(0x500, f.host.read16(0x406));
        assertEquals(0x1F80, f.host.read32(0x418));
        assertEquals(X87Environment.MXCSR_MASK, f.host.read32(0x41C));
        assertEquals(0x4000, f.host.read16(0x420 + 8), "ST0 at offset 32");
        assertEquals(0x3FFF, f.host.read16(0x430 + 8), "ST1 at offset 48");
    }

    @Test
    void fxrstorLoadsWhatFxsaveStored() {
        twoLoads();
        f.run(0xD9, 0xEB);
        FpuState before = f.x87.save();
        f.x87.fxsave(0x400, f.host);
        f.run(0xDB, 0xE3);
        f.x87.fxrstor(0x400, f.host);
        assertEquals(before, f.x87.save());
    }

    @Test
    void mxcsrValidatorRejectsReservedBitsAndDenormalsAreZero() {
        assertTrue(X87.isValidMxcsr(0x1F80));
        assertFalse(X87.isValidMxcsr(0x1_0000));
        assertFalse(X87.isValidMxcsr(0x0040), "DAZ is not supported");
    }

    @Test
    void faultingFstpM80LeavesTheStackAsItWas() {
        twoLoads();
        FpuState before = f.x87.save();
        assertThrows(FlatMemoryHost.Fault.class, () -> f.run(0xDB, 7, 4090));
        assertEquals(before, f.x87.save());
    }

    @Test
    void faultingFrstorChangesNothing() {
        twoLoads();
        FpuState before = f.x87.save();
        assertThrows(FlatMemoryHost.Fault.class, () -> f.run(0xDD, 4, 4096 - 60));
        assertEquals(before, f.x87.save());
    }

    @Test
    void faultingFnsaveDoesNotReinitialize() {
        twoLoads();
        FpuState before = f.x87.save();
        assertThrows(FlatMemoryHost.Fault.class, () -> f.run(0xDD, 6, 4096 - 100));
        assertEquals(before, f.x87.save());
    }

    @Test
    void faultingLoadKeepsTheOldPointers() {
        twoLoads();
        FpuState before = f.x87.save();
        f.host.instructionPointer = 0x2000;
        assertThrows(FlatMemoryHost.Fault.class, () -> f.run(0xDD, 0, 4092));
        assertEquals(before, f.x87.save());
    }

    @Test
    void controlInstructionsLeaveTheLastInstructionPointers() {
        twoLoads();
        f.host.instructionPointer = 0x3000;
        f.run(0xD9, 7, 0x500);  // FNSTCW
        f.run(0xDB, 0xE2);      // FNCLEX
        f.run(0xDF, 0xE0);      // FNSTSW AX
        assertEquals(0x1000, f.x87.save().lastIp());
        f.run(0xD9, 0xD0);      // FNOP is not a control instruction
        assertEquals(0x3000, f.x87.save().lastIp());
        assertEquals(0x1D0, f.x87.save().lastOpcode());
    }
}
