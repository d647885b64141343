package org.quasivm.vmm.display;

/**
 * The PC's character set (IBM code page 437, as the VGA's ROM font draws it) mapped to Unicode, so that text read
 * back from a text-mode screen can be searched as ordinary strings. Code 0 and 255 (both blank glyphs) become
 * spaces; 1-31 and 127 are the font's symbols (☺, ♥, ▲...), not control characters.
 */
public final class CodePage437 {

    private static final String TABLE =
            // 0x00-0x1F: the ROM font's symbols for the control codes (0 shown as a space)
            " ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼"
            // 0x20-0x7F: ASCII, with 0x7F drawn as a house
            + " !\"#$%&'()*+,-./0123456789:;<=>?"
            + "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_"
            + "`abcdefghijklmnopqrstuvwxyz{|}~⌂"
            // 0x80-0xFF
            + "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒ"
            + "áíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐"
            + "└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
            + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■ ";

    static {
        if (TABLE.length() != 256) {
            throw new AssertionError("code page 437 table has " + TABLE.length() + " entries");
        }
    }

    private CodePage437() {
    }

    /** The Unicode character for code {@code code & 0xFF}. */
    public static char toUnicode(int code) {
        return TABLE.charAt(code & 0xFF);
    }
}
