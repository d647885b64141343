package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CPU reads and writes through the latches, driven through ports 3C4h/3CEh and the window, in mode 12h. */
class GraphicsControllerTest {

    private static final long AT = 0xA0000 + 1234;

    private final VgaBench bench = new VgaBench();

    @BeforeEach
    void mode12() {
        bench.setMode(VgaModeTable.MODE_12);
    }

    /** Stores {@code bytes[p]} in plane p at {@link #AT} with plain write mode 0 and the map mask. */
    private void planes(int p0, int p1, int p2, int p3) {
        int[] bytes = {p0, p1, p2, p3};
        bench.gc(0x05, 0x00);
        bench.gc(0x08, 0xFF);
        bench.gc(0x03, 0x00);
        bench.gc(0x01, 0x00);
        for (int p = 0; p < 4; p++) {
            bench.seq(0x02, 1 << p);
            bench.poke(AT, bytes[p]);
        }
        bench.seq(0x02, 0x0F);
    }

    private int plane(int p) {
        bench.gc(0x05, 0x00);
        bench.gc(0x04, p);
        return bench.peek(AT);
    }

    @Test
    void readMode0ReturnsTheSelectedPlane() {
        planes(0x11, 0x22, 0x33, 0x44);
        assertEquals(0x11, plane(0));
        assertEquals(0x22, plane(1));
        assertEquals(0x33, plane(2));
        assertEquals(0x44, plane(3));
    }

    @Test
    void readMode1SetsBitsWherePlanesMatchTheColourCompareIgnoringDontCarePlanes() {
        planes(0b1100_1100, 0b1010_1010, 0b1111_0000, 0b0000_0000);
        bench.gc(0x02, 0b0011); // colour: planes 0 and 1 set, 2 and 3 clear
        bench.gc(0x07, 0b0111); // plane 3 does not matter
        bench.gc(0x05, 0x08);
        assertEquals(0b0000_1000, bench.peek(AT));
        bench.gc(0x07, 0b0011);
        assertEquals(0b1000_1000, bench.peek(AT));
    }

    @Test
    void writeMode0AppliesSetResetToEnabledPlanes() {
        bench.gc(0x00, 0b0101);
        bench.gc(0x01, 0b0011);
        bench.poke(AT, 0x3C);
        assertEquals(0xFF, plane(0));
        assertEquals(0x00, plane(1));
        assertEquals(0x3C, plane(2));
        assertEquals(0x3C, plane(3));
    }

    @Test
    void writeMode0RotatesThenCombinesWithTheLatchesUnderTheBitMask() {
        planes(0xF0, 0xF0, 0xF0, 0xF0);
        bench.peek(AT); // latch
        bench.gc(0x03, 0x02 | 0x18); // rotate right 2, XOR
        bench.gc(0x08, 0x0F);
        bench.poke(AT, 0x0C); // rotated: 0x03
        assertEquals(0xF3, plane(0)); // high nibble kept from the latch, low: 0x0 ^ 0x3
        bench.peek(AT);
        bench.gc(0x03, 0x08); // AND
        bench.gc(0x08, 0xFF);
        bench.poke(AT, 0x3C);
        assertEquals(0x30, plane(1));
        bench.peek(AT);
        bench.gc(0x03, 0x10); // OR
        bench.poke(AT, 0x0F);
        assertEquals(0x3F, plane(2));
    }

    @Test
    void writeMode1CopiesTheLatchesToAnotherAddress() {
        planes(0x12, 0x34, 0x56, 0x78);
        bench.peek(AT);
        bench.gc(0x05, 0x01);
        bench.poke(AT + 80, 0x00);
        bench.gc(0x05, 0x00);
        for (int p = 0; p < 4; p++) {
            bench.gc(0x04, p);
            assertEquals(bench.peek(AT), bench.peek(AT + 80), "plane " + p);
        }
    }

    @Test
    void writeMode3UsesRotatedDataAsBitMaskAndSetResetAsColour() {
        planes(0, 0, 0, 0);
        bench.peek(AT);
        bench.gc(0x05, 0x03);
        bench.gc(0x00, 0b1010);
        bench.gc(0x08, 0xF0);
        bench.poke(AT, 0b1100_1100);
        assertEquals(0x00, plane(0));
        assertEquals(0xC0, plane(1));
        assertEquals(0x00, plane(2));
        assertEquals(0xC0, plane(3));
    }

    @Test
    void mapMaskKeepsWritesFromDisabledPlanes() {
        planes(1, 2, 3, 4);
        bench.seq(0x02, 0b0100);
        bench.poke(AT, 0xEE);
        assertEquals(1, plane(0));
        assertEquals(2, plane(1));
        assertEquals(0xEE, plane(2));
        assertEquals(4, plane(3));
    }

    @Test
    void oddEvenSendsEvenAddressesToPlaneZeroAndOddToPlaneOne() {
        bench.setMode(VgaModeTable.MODE_03);
        bench.poke(0xB8000 + 10, 'H');
        bench.poke(0xB8000 + 11, 0x1F);
        assertEquals('H', bench.peek(0xB8000 + 10));
        assertEquals(0x1F, bench.peek(0xB8000 + 11));
        // sequential access shows them in planes 0 and 1 at the even offset
        bench.seq(0x04, 0x06);
        bench.gc(0x05, 0x00);
        bench.gc(0x06, 0x05);
        bench.gc(0x04, 0);
        assertEquals('H', bench.peek(0xA0000 + 10));
        bench.gc(0x04, 1);
        assertEquals(0x1F, bench.peek(0xA0000 + 10));
    }

    @Test
    void memoryMapDecidesWhichPartOfTheWindowAnswers() {
        bench.gc(0x06, 0x05); // A0000-AFFFF
        bench.poke(0xB8000, 0x55);
        assertEquals(0xFF, bench.peek(0xB8000));
        bench.gc(0x06, 0x0D); // B8000-BFFFF
        assertEquals(0xFF, bench.peek(0xA0000));
        bench.poke(0xB8000, 0x66);
        bench.gc(0x04, 0);
        assertEquals(0x66, bench.peek(0xB8000));
        bench.gc(0x06, 0x01); // the whole 128 KiB from A0000h; offsets wrap at the 64 KiB plane
        assertEquals(0x66, bench.peek(0xA0000));
        assertEquals(0x66, bench.peek(0xB0000));
    }

    @Test
    void clearingRamEnableHidesVideoMemoryFromTheCpu() {
        bench.poke(AT, 0x42);
        bench.out(0x3C2, 0xE1);
        assertEquals(0xFF, bench.peek(AT));
        bench.poke(AT, 0x24);
        bench.out(0x3C2, 0xE3);
        assertEquals(0x42, bench.peek(AT));
    }

    @Test
    void wideWindowAccessesAreByteAccessesInOrder() {
        planes(0, 0, 0, 0);
        bench.mmio.write(AT, 4, 0x4433_2211L);
        bench.gc(0x04, 0);
        assertEquals(0x4433_2211L, bench.mmio.read(AT, 4));
    }
}
