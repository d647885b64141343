package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.vmm.clock.ClockMode;

/**
 * The device test guests on QuasiVM's own machine (software CPU, deterministic clock): the same serial output and
 * the same reference pictures that {@link TestGuestsUnderQemuTest} holds QEMU to, so our devices are judged against
 * the peer. Colours are compared at the DAC's 6 bits per component (QEMU widens 6-bit values to 8 differently).
 */
class TestGuestsOnQuasiVmTest {

    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);
    private static final int SIX_BITS = 0xFCFCFC;

    /** The software CPU with the deterministic clock. */
    private static GuestRun start(TestGuest guest) throws Exception {
        return new GuestRun(guest, ClockMode.DETERMINISTIC, SoftwareExecutor::new, RUN_LIMIT);
    }

    private static void assertSerialOnly(TestGuest guest) throws Exception {
        try (GuestRun run = start(guest)) {
            assertEquals(guest.expectedSerial(), run.awaitDone());
        }
    }

    @Test
    void uartGuestPrintsWhatItPrintsUnderQemu() throws Exception {
        assertSerialOnly(TestGuest.SERIAL);
    }

    @Test
    void pitGuestPrintsWhatItPrintsUnderQemu() throws Exception {
        assertSerialOnly(TestGuest.PIT);
    }

    @Test
    void rtcGuestPrintsWhatItPrintsUnderQemu() throws Exception {
        assertSerialOnly(TestGuest.RTC);
    }

    @Test
    void pm32GuestPrintsWhatItPrintsUnderQemu() throws Exception {
        assertSerialOnly(TestGuest.PM32);
    }

    @Test
    void keyboardGuestPrintsTheInjectedKeysAsQemusKeyboardDoes() throws Exception {
        try (GuestRun run = start(TestGuest.KEYBOARD)) {
            run.awaitLine("KEYS READY");
            KeyboardGuestKeys.type(run.machine.board().input());
            assertEquals(TestGuest.KEYBOARD.expectedSerial(), run.awaitDone());
        }
    }

    @Test
    void vgaTextGuestScreenIsTheReferenceTextScreen() throws Exception {
        try (GuestRun run = start(TestGuest.VGA_TEXT)) {
            assertEquals(TestGuest.VGA_TEXT.expectedSerial(), run.awaitDone());
            Screen actual = run.screen();
            GuestFont font = GuestFont.load();
            Screen withCursor = VgaTextPicture.render(font, true);
            // The cursor blinks: either phase is right; nothing else may differ.
            if (difference(actual, withCursor) != null && difference(actual, VgaTextPicture.render(font, false)) != null) {
                failPictures("vga-text", actual, withCursor);
            }
        }
    }

    @Test
    void vgaMode13GuestScreenIsTheReferencePicture() throws Exception {
        try (GuestRun run = start(TestGuest.VGA_MODE13)) {
            assertEquals(TestGuest.VGA_MODE13.expectedSerial(), run.awaitDone());
            assertPicture("vga-mode13", run.screen(), Mode13Picture.render());
        }
    }

    @Test
    void vgaPlanarGuestScreenIsTheReferencePicture() throws Exception {
        try (GuestRun run = start(TestGuest.VGA_PLANAR)) {
            assertEquals(TestGuest.VGA_PLANAR.expectedSerial(), run.awaitDone());
            assertPicture("vga-planar", run.screen(), PlanarPicture.render());
        }
    }

    @Test
    void vgaModeXGuestShowsPageZeroThenFlipsToPageOne() throws Exception {
        try (GuestRun run = start(TestGuest.VGA_MODEX)) {
            run.awaitLine("PAGE 0 SHOWN, start address 0000");
            assertPicture("vga-modex-page0", run.screen(), ModeXPicture.render(0));
            run.terminal.type("x");
            assertEquals(TestGuest.VGA_MODEX.expectedSerial(), run.awaitDone());
            assertPicture("vga-modex-page1", run.screen(), ModeXPicture.render(1));
        }
    }

    private static String difference(Screen actual, Screen expected) {
        return masked(actual).difference(masked(expected));
    }

    private static Screen masked(Screen s) {
        int[] px = s.argb().clone();
        for (int i = 0; i < px.length; i++) {
            px[i] &= SIX_BITS;
        }
        return new Screen(s.width(), s.height(), px);
    }

    private static void assertPicture(String name, Screen actual, Screen expected) {
        PictureAssertions.assertPicture(name, "QuasiVM", masked(actual), masked(expected));
    }

    private static void failPictures(String name, Screen actual, Screen expected) {
        PictureAssertions.failPictures(name, "QuasiVM", masked(actual), masked(expected));
    }
}
