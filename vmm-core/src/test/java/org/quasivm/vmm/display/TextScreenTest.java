package org.quasivm.vmm.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class TextScreenTest {

    private static TextScreen screen(String... rows) {
        int columns = rows[0].length();
        int[] cells = new int[columns * rows.length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < columns; c++) {
                cells[r * columns + c] = rows[r].charAt(c) | 0x1700;
            }
        }
        return new TextScreen(columns, rows.length, cells, 0, 0, true);
    }

    @Test
    void rowsReadAsStringsWithTrailingBlanksTrimmedInLines() {
        TextScreen s = screen("ab  ", "cd e");
        assertEquals("ab  ", s.row(0));
        assertEquals(List.of("ab", "cd e"), s.lines());
        assertTrue(s.contains("d e"));
        assertFalse(s.contains("abc"));
        assertEquals(0x17, s.attribute(1, 1));
        assertEquals('e', s.character(3, 1));
    }

    @Test
    void codePage437SymbolsAndLineDrawingBecomeUnicode() {
        assertEquals(' ', CodePage437.toUnicode(0));
        assertEquals('☺', CodePage437.toUnicode(1));
        assertEquals('A', CodePage437.toUnicode('A'));
        assertEquals('⌂', CodePage437.toUnicode(0x7F));
        assertEquals('Ç', CodePage437.toUnicode(0x80));
        assertEquals('│', CodePage437.toUnicode(0xB3));
        assertEquals('█', CodePage437.toUnicode(0xDB));
        assertEquals('■', CodePage437.toUnicode(0xFE));
    }

    @Test
    void cellsOutsideTheScreenAreRefused() {
        TextScreen s = screen("ab");
        assertThrows(IndexOutOfBoundsException.class, () -> s.character(2, 0));
    }

    @Test
    void framesOutsideTheBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Frame(16384, 16384));
        assertEquals(Frame.OPAQUE_BLACK, new Frame(2, 2).pixel(1, 1));
    }
}
