package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spot checks of the references themselves, so a wrong rule in a test cannot hide behind a matching QEMU bug. */
class ReferencePicturesTest {

    @Test
    void qemuExpandsSixBitDacLevelsByCopyingTheLowestBit() {
        assertEquals(0xFF, VgaPalette.expand6(0x3F));
        assertEquals(0xA8, VgaPalette.expand6(0x2A));
        assertEquals(0x57, VgaPalette.expand6(0x15));
        assertEquals(0x00, VgaPalette.expand6(0x00));
    }

    @Test
    void standardAttributePaletteMakesColourSixBrown() {
        assertEquals(VgaPalette.rgb(0x2A, 0x15, 0x00), VgaPalette.sixteenColours()[6]);
        assertEquals(VgaPalette.rgb(0x3F, 0x3F, 0x3F), VgaPalette.sixteenColours()[15]);
    }

    @Test
    void fontSourceDefinesEveryCharacterTheTextGuestUses() {
        GuestFont font = GuestFont.load();
        assertEquals(46, font.glyphCount());
        for (char c : "QUASIVM VGA TEXT MODE 80X25 ATTRIBUTE:()-.0123456789BCDEFGHJKLNOPRWYZ".toCharArray()) {
            assertTrue(c == ' ' || font.defines(c), "glyph for " + c);
        }
        assertEquals(0b1100_0011, font.row('M', 0));
        assertEquals(0xFF, font.row(0xDB, 7));
    }

    @Test
    void textPictureRepeatsTheEighthColumnOnlyForLineGraphics() {
        Screen screen = VgaTextPicture.render(GuestFont.load(), false);
        int grey = VgaPalette.sixteenColours()[7];
        int lightRed = VgaPalette.sixteenColours()[12];
        // row 15, column 2: a full block (DBh) in light red: the ninth column is light red too
        assertEquals(0xFF000000 | lightRed, screen.pixel(2 * 9 + 8, 15 * 16 + 5));
        // row 16, column 2: 'M' reaches its eighth column, the ninth stays black
        assertEquals(0xFF000000 | VgaPalette.sixteenColours()[15], screen.pixel(2 * 9 + 7, 16 * 16));
        assertEquals(0xFF000000, screen.pixel(2 * 9 + 8, 16 * 16));
        assertEquals(0xFF000000 | grey, VgaTextPicture.render(GuestFont.load(), true)
                .pixel(VgaTextPicture.CURSOR_COLUMN * 9 + 8, VgaTextPicture.CURSOR_ROW * 16 + 13));
    }

    @Test
    void mode13PictureFramesTheScreenInColourFF() {
        assertEquals(0xFF, Mode13Picture.colour(0, 100));
        assertEquals(0xE0, Mode13Picture.colour(30, 30));
        assertEquals(0x3F, Mode13Picture.colour(100, 40));
        assertEquals(5 ^ 6, Mode13Picture.colour(5, 6));
    }

    @Test
    void pm32ExpectedOutputCarriesTheChecksumComputedHere() {
        String line = String.format("integer checksum over 200000 xorshift rounds: %08X", PmChecksum.compute());
        assertTrue(TestGuest.PM32.expectedSerial().lines().anyMatch(line::equals),
                "pm32.expected lacks: " + line);
    }
}
