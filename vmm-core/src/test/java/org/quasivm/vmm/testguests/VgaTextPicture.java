package org.quasivm.vmm.testguests;

/**
 * What vga-text.asm puts on the screen, rendered the way a VGA shows mode 3: 80x25 cells of 9x16 pixels (720x400).
 * The cell contents repeat the guest's screen table; glyphs come from font.inc, each design row on two scan lines.
 * In a 9-dot cell the ninth column is background, except for the line-graphics codes C0h-DFh, which repeat their
 * eighth column (attribute mode control bit 2 is on). Blinking is off, so attribute bit 7 is a bright background.
 */
final class VgaTextPicture {

    static final int COLUMNS = 80;
    static final int ROWS = 25;
    static final int CELL_WIDTH = 9;
    static final int CELL_HEIGHT = 16;
    static final int CURSOR_ROW = 22;
    static final int CURSOR_COLUMN = 10;
    static final int CURSOR_FIRST_LINE = 13;
    static final int CURSOR_LAST_LINE = 14;

    private final int[] characters = new int[COLUMNS * ROWS];
    private final int[] attributes = new int[COLUMNS * ROWS];

    private VgaTextPicture() {
        java.util.Arrays.fill(characters, ' ');
        java.util.Arrays.fill(attributes, 0x07);
        run(0, 0, 0x1F, ' ', 80);
        string(0, 26, 0x1F, "QUASIVM VGA TEXT MODE 80X25");
        string(2, 2, 0x07, "ATTRIBUTE 07: LIGHT GREY ON BLACK");
        string(3, 2, 0x0F, "ATTRIBUTE 0F: WHITE ON BLACK");
        string(4, 2, 0x0E, "ATTRIBUTE 0E: YELLOW ON BLACK");
        string(5, 2, 0x1E, "ATTRIBUTE 1E: YELLOW ON BLUE");
        string(6, 2, 0x4F, "ATTRIBUTE 4F: WHITE ON RED");
        string(7, 2, 0x2A, "ATTRIBUTE 2A: LIGHT GREEN ON GREEN");
        string(8, 2, 0x70, "ATTRIBUTE 70: BLACK ON LIGHT GREY");
        string(9, 2, 0xCE, "ATTRIBUTE CE: YELLOW ON LIGHT RED (BLINK OFF)");
        string(10, 2, 0x06, "ATTRIBUTE 06: BROWN (PALETTE 14)");
        string(12, 2, 0x07, "LINE GRAPHICS C0-DF REPEAT COLUMN 8 INTO COLUMN 9:");
        run(13, 2, 0x0B, 0xCD, 40);
        run(14, 2, 0x0A, 0xC4, 40);
        run(15, 2, 0x0C, 0xDB, 8);
        run(15, 10, 0x0D, 0xDC, 8);
        run(15, 18, 0x09, 0xDF, 8);
        string(16, 2, 0x0F, "MNW MNW: LETTERS KEEP COLUMN 9 BACKGROUND");
        string(17, 2, 0x1F, "MNW MNW");
        string(18, 2, 0x07, "FOREGROUND 0-F:");
        string(19, 2, 0x07, "BACKGROUND 0-F:");
        string(21, 2, 0x07, "CURSOR BELOW: ROW 22 COLUMN 10");
        string(24, 72, 0x70, "LAST ROW");
        for (int colour = 0; colour < 16; colour++) {
            run(18, 20 + colour, colour, 0xDB, 1);
            run(19, 20 + colour, colour << 4, ' ', 1);
        }
    }

    private void string(int row, int column, int attribute, String text) {
        for (int i = 0; i < text.length(); i++) {
            run(row, column + i, attribute, text.charAt(i), 1);
        }
    }

    private void run(int row, int column, int attribute, int character, int count) {
        for (int i = 0; i < count; i++) {
            characters[row * COLUMNS + column + i] = character;
            attributes[row * COLUMNS + column + i] = attribute;
        }
    }

    /** The screen; with {@code cursorShown} the cursor's scan lines are drawn (a blinking cursor's visible phase). */
    static Screen render(GuestFont font, boolean cursorShown) {
        VgaTextPicture text = new VgaTextPicture();
        int[] colours = VgaPalette.sixteenColours();
        Screen screen = Screen.blank(COLUMNS * CELL_WIDTH, ROWS * CELL_HEIGHT);
        for (int row = 0; row < ROWS; row++) {
            for (int column = 0; column < COLUMNS; column++) {
                int character = text.characters[row * COLUMNS + column];
                int attribute = text.attributes[row * COLUMNS + column];
                int foreground = colours[attribute & 0x0F];
                int background = colours[attribute >> 4];
                boolean lineGraphics = character >= 0xC0 && character <= 0xDF;
                boolean cursor = cursorShown && row == CURSOR_ROW && column == CURSOR_COLUMN;
                for (int line = 0; line < CELL_HEIGHT; line++) {
                    int bits = font.row(character, line / 2);
                    boolean cursorLine = cursor && line >= CURSOR_FIRST_LINE && line <= CURSOR_LAST_LINE;
                    for (int x = 0; x < CELL_WIDTH; x++) {
                        boolean on;
                        if (cursorLine) {
                            on = true;
                        } else if (x < 8) {
                            on = (bits >> (7 - x) & 1) != 0;
                        } else {
                            on = lineGraphics && (bits & 1) != 0;
                        }
                        screen.set(column * CELL_WIDTH + x, row * CELL_HEIGHT + line, on ? foreground : background);
                    }
                }
            }
        }
        return screen;
    }
}
