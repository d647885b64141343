package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.quasivm.vmm.display.Frame;

final class FrameAssert {

    private FrameAssert() {
    }

    /** Fails at the first pixel that differs, naming it. */
    static void assertPixels(int[] expected, Frame frame) {
        assertEquals(expected.length, frame.pixels().length, "pixel count of " + frame);
        int[] actual = frame.pixels();
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail(String.format("pixel (%d, %d) of %s is %08x, expected %08x", i % frame.width(),
                        i / frame.width(), frame, actual[i], expected[i]));
            }
        }
    }
}
