package org.quasivm.vmm.testguests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guests' 8x8 font, read from its source (common/font.inc) rather than from a ROM, so a reference picture does
 * not depend on what the assembler made of it. Characters the font does not define are blank.
 */
final class GuestFont {

    private static final Pattern GLYPH =
            Pattern.compile("^\\s*glyph\\s+(?:'(.)'|0x([0-9A-Fa-f]{2}))(?:\\s.*)?$");
    private static final Pattern ROW = Pattern.compile("^\\s*row\\s+\"([.#]{8})\"\\s*$");

    private final int[][] rows = new int[256][8];
    private final boolean[] defined = new boolean[256];

    private GuestFont() {
    }

    static GuestFont load() {
        Path file = TestGuest.commonIncludes().resolve("font.inc");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GuestFont font = new GuestFont();
        for (int i = 0; i < lines.size(); i++) {
            Matcher glyph = GLYPH.matcher(lines.get(i));
            if (!glyph.matches()) {
                continue;
            }
            int code = glyph.group(1) != null ? glyph.group(1).charAt(0) : Integer.parseInt(glyph.group(2), 16);
            for (int r = 0; r < 8; r++) {
                Matcher row = ROW.matcher(i + 1 + r < lines.size() ? lines.get(i + 1 + r) : "");
                if (!row.matches()) {
                    throw new IllegalStateException(file + ":" + (i + 2 + r) + ": glyph " + code
                            + " needs 8 row lines of 8 pixels");
                }
                int bits = 0;
                for (char c : row.group(1).toCharArray()) {
                    bits = bits << 1 | (c == '#' ? 1 : 0);
                }
                font.rows[code][r] = bits;
            }
            font.defined[code] = true;
        }
        return font;
    }

    /** Row 0-7 of a character's design; bit 7 is the leftmost pixel. */
    int row(int code, int row) {
        return rows[code & 0xFF][row];
    }

    boolean defines(int code) {
        return defined[code & 0xFF];
    }

    int glyphCount() {
        int n = 0;
        for (boolean d : defined) {
            n += d ? 1 : 0;
        }
        return n;
    }
}
