package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Input status 1 against guest time, in mode 3 (449 lines of 100 characters of 9 dots at 28.322 MHz). */
class RetraceTest {

    private static final double CHARACTER_NANOS = 9 * 1e9 / 28_322_000;
    private static final double LINE_NANOS = 100 * CHARACTER_NANOS;
    private static final long FRAME_NANOS = (long) (449 * LINE_NANOS);

    private final VgaBench bench = new VgaBench();

    @BeforeEach
    void mode3() {
        bench.setMode(VgaModeTable.MODE_03);
    }

    private boolean retrace() {
        return (bench.in(0x3DA) & 0x08) != 0;
    }

    /** Moves guest time to {@code line} of the next frame (the bench's clock started at an arbitrary phase). */
    private void goToLine(double line) {
        long now = bench.clock.nanos();
        long target = (now / FRAME_NANOS + 1) * FRAME_NANOS + (long) (line * LINE_NANOS);
        bench.advanceNanos(target - now);
    }

    @Test
    void retraceBitIsSetOnlyDuringTheRetraceLines() {
        goToLine(100);
        retrace(); // a retrace of the previous frame is reported once
        assertEquals(false, retrace());
        goToLine(412.5); // CR10 = 0x19C: retrace from line 412 for 2 lines
        assertTrue(retrace());
        assertTrue(retrace());
        bench.advanceNanos((long) (3 * LINE_NANOS));
        assertEquals(false, retrace());
    }

    @Test
    void aRetraceThatPassedBetweenReadsIsReportedOnce() {
        goToLine(100);
        retrace();
        bench.advanceNanos(FRAME_NANOS); // same phase one frame later: the pulse happened in between
        assertTrue(retrace());
        assertEquals(false, retrace());
    }

    @Test
    void biosStyleWaitLoopsProgressWithCoarseTimeSteps() {
        // "wait while in retrace, then wait for retrace": time moves 7 ms per read, far longer than the pulse
        int frames = 0;
        for (int i = 0; i < 100; i++) {
            int guard = 0;
            while (retrace() && guard++ < 1000) {
                bench.advanceNanos(7_000_000);
            }
            guard = 0;
            while (!retrace() && guard++ < 1000) {
                bench.advanceNanos(7_000_000);
            }
            assertTrue(guard < 1000, "waited for retrace in vain");
            frames++;
        }
        assertEquals(100, frames);
    }

    @Test
    void displayDisabledBitIsSetInHorizontalBlanking() {
        goToLine(10 + 85.0 / 100); // character 85 of 100: past the 80 displayed
        bench.in(0x3DA);
        assertEquals(0x01, bench.in(0x3DA) & 0x01);
        goToLine(10 + 40.0 / 100);
        bench.in(0x3DA); // may report the blank passed since the last read
        assertEquals(0x00, bench.in(0x3DA) & 0x01);
    }

    @Test
    void retraceStartBeyondTheTotalStillHappensOncePerFrame() {
        bench.crtc(0x11, 0x0E); // unprotect
        bench.crtc(0x10, 0xFF);
        bench.crtc(0x07, 0xFF); // retrace start bits 8-9 set: 0x3FF, beyond the 449-line total
        int seen = 0;
        for (int i = 0; i < 1000; i++) {
            bench.advanceNanos(FRAME_NANOS / 97);
            if (retrace()) {
                seen++;
            }
        }
        assertTrue(seen > 0);
    }
}
