package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VgaRegistersTest {

    private final VgaBench bench = new VgaBench();

    @Test
    void crtcProtectBitLocksCr0ToCr7ExceptLineCompareBit8() {
        bench.biosSetup();
        bench.crtc(0x01, 0x4F);
        bench.crtc(0x07, 0x00);
        bench.crtc(0x11, 0x80);
        bench.crtc(0x01, 0x27);
        bench.crtc(0x07, 0xFF);
        assertEquals(0x4F, bench.crtcRead(0x01));
        assertEquals(0x10, bench.crtcRead(0x07));
        bench.crtc(0x11, 0x00);
        bench.crtc(0x01, 0x27);
        assertEquals(0x27, bench.crtcRead(0x01));
    }

    @Test
    void crtcAnswersAtMonochromeOrColourPortsByMiscOutput() {
        bench.out(0x3C2, 0x66); // monochrome I/O
        bench.outw(0x3B4, 0x550E);
        assertEquals(0xFF, bench.in(0x3D5));
        bench.out(0x3B4, 0x0E);
        assertEquals(0x55, bench.in(0x3B5));
        bench.out(0x3C2, 0x67);
        bench.out(0x3D4, 0x0E);
        assertEquals(0x55, bench.in(0x3D5));
        assertEquals(0xFF, bench.in(0x3B5));
        assertEquals(0x67, bench.in(0x3CC));
    }

    @Test
    void crtcIndicesBeyondCr18NameNoRegister() {
        bench.biosSetup();
        bench.crtc(0x40, 0x12);
        assertEquals(0xFF, bench.crtcRead(0x40));
        bench.out(0x3D4, 0x40);
        assertEquals(0x40, bench.in(0x3D4));
    }

    @Test
    void attributeFlipFlopAlternatesIndexAndDataAndResetsOnStatusRead() {
        bench.biosSetup();
        bench.in(0x3DA);
        bench.out(0x3C0, 0x12);
        bench.out(0x3C0, 0x0A);
        bench.out(0x3C0, 0x33); // an index again: 0x13 with PAS set
        assertEquals(0x33, bench.in(0x3C0));
        bench.in(0x3DA);
        bench.out(0x3C0, 0x12);
        assertEquals(0x0A, bench.in(0x3C1));
    }

    @Test
    void attributeRegistersKeepOnlyTheirImplementedBits() {
        bench.biosSetup();
        bench.attr(0x05, 0xFF);
        bench.attr(0x10, 0xFF);
        bench.attr(0x13, 0xFF);
        bench.in(0x3DA);
        bench.out(0x3C0, 0x05);
        assertEquals(0x3F, bench.in(0x3C1));
        bench.out(0x3C0, 0x10); // the flip-flop is at data: this is data, not an index
        bench.in(0x3DA);
        bench.out(0x3C0, 0x10);
        assertEquals(0xEF, bench.in(0x3C1));
        bench.in(0x3DA);
        bench.out(0x3C0, 0x13);
        assertEquals(0x0F, bench.in(0x3C1));
    }

    @Test
    void dacReadsBackTriplesAndAutoIncrements() {
        bench.dac(10, 1, 2, 3);
        bench.dac(11, 4, 5, 6);
        bench.out(0x3C7, 10);
        assertEquals(3, bench.in(0x3C7));
        int[] read = new int[6];
        for (int i = 0; i < 6; i++) {
            read[i] = bench.in(0x3C9);
        }
        assertEquals("[1, 2, 3, 4, 5, 6]", java.util.Arrays.toString(read));
        assertEquals(12, bench.in(0x3C8));
        bench.out(0x3C8, 0);
        assertEquals(0, bench.in(0x3C7));
    }

    @Test
    void sixBitDacKeepsSixBitsSoSoftwareCanDetectIt() {
        bench.dac(0, 0xFF, 0xFF, 0xFF);
        bench.out(0x3C7, 0);
        assertEquals(0x3F, bench.in(0x3C9));
    }

    @Test
    void dacWriteIndexWrapsAfterEntry255() {
        bench.dac(255, 9, 9, 9);
        assertEquals(0, bench.in(0x3C8));
    }

    @Test
    void sequencerAndGraphicsRegistersKeepOnlyImplementedBits() {
        bench.seq(0x01, 0xFF);
        bench.out(0x3C4, 0x01);
        assertEquals(0x3D, bench.in(0x3C5));
        bench.gc(0x05, 0xFF);
        bench.out(0x3CE, 0x05);
        assertEquals(0x7B, bench.in(0x3CF));
        bench.out(0x3CE, 0x0C);
        assertEquals(0xFF, bench.in(0x3CF));
    }

    @Test
    void sixteenBitOutToAnIndexPortSetsIndexAndData() {
        bench.outw(0x3CE, 0xA508);
        bench.out(0x3CE, 0x08);
        assertEquals(0xA5, bench.in(0x3CF));
    }

    @Test
    void featureControlIsWrittenAtStatusPortAndReadAt3CA() {
        bench.biosSetup();
        bench.out(0x3DA, 0x03);
        assertEquals(0x03, bench.in(0x3CA));
    }
}
