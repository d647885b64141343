package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every test guest under QEMU: its serial output equals the committed NAME.expected, and for the VGA guests QEMU's
 * screendump equals a picture computed here from the guest's drawing rules. QuasiVM's machine is held to the same
 * output at integration, so its devices are judged against a peer and not only against our own reading of datasheets.
 */
class TestGuestsUnderQemuTest {

    /** Generous for one guest on a loaded 2-core host; a healthy run takes well under 3 s. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(40);

    @TempDir
    Path work;

    @Test
    void uartGuestPrintsItsExpectedOutput() {
        assertSerialOnly(TestGuest.SERIAL);
    }

    @Test
    void pitGuestPrintsItsExpectedOutput() {
        assertSerialOnly(TestGuest.PIT);
    }

    @Test
    void rtcGuestPrintsItsExpectedOutput() {
        assertSerialOnly(TestGuest.RTC);
    }

    @Test
    void pm32GuestPrintsItsExpectedOutput() {
        assertSerialOnly(TestGuest.PM32);
    }

    @Test
    void keyboardGuestPrintsTheInjectedKeysAsTranslatedScanCodes() {
        try (QemuPeer qemu = start(TestGuest.KEYBOARD)) {
            qemu.awaitLine("KEYS READY", RUN_LIMIT);
            qemu.sendKeys("q");
            qemu.sendKeys("shift", "v");
            qemu.sendKeys("m");
            qemu.sendKeys("up");
            qemu.sendKeys("ret");
            assertEquals(TestGuest.KEYBOARD.expectedSerial(), qemu.awaitDone(RUN_LIMIT));
        }
    }

    @Test
    void vgaTextGuestScreenIsTheReferenceTextScreen() {
        try (QemuPeer qemu = start(TestGuest.VGA_TEXT)) {
            assertEquals(TestGuest.VGA_TEXT.expectedSerial(), qemu.awaitDone(RUN_LIMIT));
            Screen actual = qemu.screendump();
            GuestFont font = GuestFont.load();
            // The cursor blinks: QEMU draws it in one phase and not in the other. Either is right; nothing else may differ.
            Screen withCursor = VgaTextPicture.render(font, true);
            Screen withoutCursor = VgaTextPicture.render(font, false);
            if (actual.difference(withCursor) != null && actual.difference(withoutCursor) != null) {
                failPictures("vga-text", actual, withCursor);
            }
        }
    }

    @Test
    void vgaMode13GuestScreenIsTheReferencePicture() {
        try (QemuPeer qemu = start(TestGuest.VGA_MODE13)) {
            assertEquals(TestGuest.VGA_MODE13.expectedSerial(), qemu.awaitDone(RUN_LIMIT));
            assertPicture("vga-mode13", qemu.screendump(), Mode13Picture.render());
        }
    }

    @Test
    void vgaPlanarGuestScreenIsTheReferencePicture() {
        try (QemuPeer qemu = start(TestGuest.VGA_PLANAR)) {
            assertEquals(TestGuest.VGA_PLANAR.expectedSerial(), qemu.awaitDone(RUN_LIMIT));
            assertPicture("vga-planar", qemu.screendump(), PlanarPicture.render());
        }
    }

    @Test
    void vgaModeXGuestShowsPageZeroThenFlipsToPageOne() {
        try (QemuPeer qemu = start(TestGuest.VGA_MODEX)) {
            qemu.awaitLine("PAGE 0 SHOWN", RUN_LIMIT);
            assertPicture("vga-modex-page0", qemu.screendump(), ModeXPicture.render(0));
            qemu.sendSerial("x");
            assertEquals(TestGuest.VGA_MODEX.expectedSerial(), qemu.awaitDone(RUN_LIMIT));
            assertPicture("vga-modex-page1", qemu.screendump(), ModeXPicture.render(1));
        }
    }

    private QemuPeer start(TestGuest guest) {
        return QemuPeer.start(guest.rom(), guest.timing(), work);
    }

    private void assertSerialOnly(TestGuest guest) {
        try (QemuPeer qemu = start(guest)) {
            assertEquals(guest.expectedSerial(), qemu.awaitDone(RUN_LIMIT));
        }
    }

    private static void assertPicture(String name, Screen actual, Screen expected) {
        PictureAssertions.assertPicture(name, "QEMU", actual, expected);
    }

    private static void failPictures(String name, Screen actual, Screen expected) {
        PictureAssertions.failPictures(name, "QEMU", actual, expected);
    }
}
