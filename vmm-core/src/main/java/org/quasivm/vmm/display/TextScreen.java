package org.quasivm.vmm.display;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a text-mode screen shows, read from the adapter's memory: a grid of character codes and attributes, and the
 * cursor. Immutable; tests search it for strings such as a firmware banner.
 */
public final class TextScreen {

    private final int columns;
    private final int rows;
    private final int[] cells;
    private final int cursorColumn;
    private final int cursorRow;
    private final boolean cursorVisible;

    /**
     * @param cells         {@code columns × rows} entries, row-major, each {@code code | attribute << 8}
     * @param cursorColumn  where the cursor is (may be off screen)
     * @param cursorVisible whether the cursor is enabled and on screen
     */
    public TextScreen(int columns, int rows, int[] cells, int cursorColumn, int cursorRow, boolean cursorVisible) {
        Objects.requireNonNull(cells, "cells");
        if (columns < 1 || rows < 1 || cells.length != columns * rows) {
            throw new IllegalArgumentException("text screen " + columns + "x" + rows + " with " + cells.length
                    + " cells");
        }
        this.columns = columns;
        this.rows = rows;
        this.cells = cells.clone();
        this.cursorColumn = cursorColumn;
        this.cursorRow = cursorRow;
        this.cursorVisible = cursorVisible;
    }

    public int columns() {
        return columns;
    }

    public int rows() {
        return rows;
    }

    /** The character code (0-255) at a cell. */
    public int character(int column, int row) {
        return cells[index(column, row)] & 0xFF;
    }

    /** The attribute byte (background, foreground and blink bits) at a cell. */
    public int attribute(int column, int row) {
        return (cells[index(column, row)] >>> 8) & 0xFF;
    }

    /** Row {@code row}'s characters as Unicode (code page 437), trailing blanks included. */
    public String row(int row) {
        StringBuilder sb = new StringBuilder(columns);
        for (int c = 0; c < columns; c++) {
            sb.append(CodePage437.toUnicode(character(c, row)));
        }
        return sb.toString();
    }

    /** Every row, top to bottom, trailing blanks removed. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            lines.add(row(r).stripTrailing());
        }
        return lines;
    }

    /** Whether some row contains {@code text}. */
    public boolean contains(String text) {
        for (int r = 0; r < rows; r++) {
            if (row(r).contains(text)) {
                return true;
            }
        }
        return false;
    }

    public int cursorColumn() {
        return cursorColumn;
    }

    public int cursorRow() {
        return cursorRow;
    }

    public boolean cursorVisible() {
        return cursorVisible;
    }

    /** The screen as lines joined by newlines, trailing blanks removed: handy in assertion messages. */
    @Override
    public String toString() {
        return String.join("\n", lines());
    }

    private int index(int column, int row) {
        if (column < 0 || row < 0 || column >= columns || row >= rows) {
            throw new IndexOutOfBoundsException("cell (" + column + ", " + row + ") outside " + columns + "x" + rows);
        }
        return row * columns + column;
    }
}
