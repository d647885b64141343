package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.quasivm.vmm.display.Frame;

/**
 * Scan-out driven by the CRT controller, scan line by scan line as the hardware does it: the address counter and row
 * scan counter walk the planes (start address, offset, maximum scan line, double scan, line compare), each character
 * clock fetches the four plane bytes at the CRTC's address, and the attribute controller turns them into text cells
 * or pixels (planar, CGA-interleaved or 256-colour shifting, pixel panning, half dot clock).
 *
 * <p>Change detection: for each scan line the fetched input that decides its pixels (plane bytes; for text the
 * character/attribute cells, the row scan, the cursor and the blink phase) is compared with what the previous
 * refresh used; only lines whose input differs are redrawn. For text, the fonts in plane 2 are compared as a whole
 * and a change redraws everything. No write tracking is needed, even when the CPU writes video memory directly.
 *
 * <p>The Bochs VBE's 4-bit planar modes use the same path with DISPI geometry.
 */
final class CrtcScanout {

    static final int KIND_TEXT = 1;
    static final int KIND_GRAPHICS = 2;
    static final int KIND_VBE_PLANAR = 3;

    private static final int MAX_COLUMNS = BochsDispi.MAX_XRES / 8;
    private static final int MAX_DOTS_PER_COLUMN = 18;
    /** Scan-line input beyond the columns: panning, row scan, cursor column, blink phase. */
    private static final int EXTRA_INPUT = 4;
    private static final int FONT_BYTES = 256 * 32;

    private final ByteBuffer vram;
    private final int[] fetched = new int[MAX_COLUMNS + 1 + EXTRA_INPUT];
    private final int[] line = new int[(MAX_COLUMNS + 1) * MAX_DOTS_PER_COLUMN];
    private final int[] nibbles = new int[8];
    /** The character/attribute plane bytes of the text row at {@link #cellsMa}, fetched once per row. */
    private final int[] cells = new int[MAX_COLUMNS + 1];
    private int cellsMa;
    private int cellsCount;
    private int[] previousInput = new int[0];
    /** Plane 2's character maps A and B as the previous refresh drew them, and where they were. */
    private final byte[] fonts = new byte[2 * FONT_BYTES];
    private final byte[] previousFonts = new byte[2 * FONT_BYTES];
    private int previousFontA = -1;
    private int previousFontB = -1;

    // Geometry and decoding, captured from the registers at the start of a refresh.
    private int kind;
    private int columns;
    private int charDots;
    private int dotScale;
    private int width;
    private int height;
    private int shiftMode;
    private boolean eightBitColor;
    private int startMa;
    private int rowOffset;
    private int maxScanLine;
    private int presetRowScan;
    private boolean doubleScan;
    private int lineCompare;
    private int addressShift;
    private int underlineReg;
    private int modeControlReg;
    private int planeLimit;
    private int pan;
    private boolean panResets;

    // Text only.
    private boolean nineDots;
    private int cursorMa;
    private int cursorStart;
    private int cursorEnd;
    private int cursorSkew;
    private boolean cursorShown;
    private int underline;
    private boolean blink;
    private boolean blinkOn;
    private boolean lineGraphics;
    private int fontA;
    private int fontB;

    CrtcScanout(ByteBuffer vram) {
        this.vram = vram;
    }

    /** Captures a standard VGA mode; {@code frameCount} paces cursor (16 frames) and character (32) blinking. */
    void captureVga(Vga vga, long frameCount) {
        Sequencer seq = vga.sequencer();
        CrtController crtc = vga.crtc();
        GraphicsController gc = vga.graphics();
        AttributeController ac = vga.attribute();
        boolean text = !gc.graphicsMode();
        kind = text ? KIND_TEXT : KIND_GRAPHICS;
        columns = crtc.displayedCharacters();
        nineDots = text && !seq.eightDotCharacters();
        charDots = nineDots ? 9 : 8;
        dotScale = seq.halfDotClock() ? 2 : 1;
        width = columns * charDots * dotScale;
        height = crtc.displayedScanLines();
        shiftMode = gc.shiftMode();
        eightBitColor = !text && ac.eightBitColor();
        startMa = crtc.startAddress() + crtc.bytePanning();
        rowOffset = crtc.rowOffset();
        maxScanLine = crtc.maximumScanLine();
        presetRowScan = crtc.presetRowScan();
        doubleScan = crtc.doubleScan();
        lineCompare = crtc.lineCompare();
        addressShift = crtc.addressClockShift();
        underlineReg = crtc.get(CrtController.UNDERLINE_LOCATION);
        modeControlReg = crtc.get(CrtController.MODE_CONTROL);
        planeLimit = 0x1_0000;
        int p = ac.pixelPanning();
        if (text) {
            pan = nineDots ? (p < 8 ? p + 1 : 0) : p & 7; // 9-dot text: 8 means none, 0-7 shift 1-8 dots
        } else {
            pan = eightBitColor ? p & 6 : p & 7;
        }
        pan *= dotScale;
        panResets = ac.panningResetsAtLineCompare();
        if (text) {
            cursorMa = crtc.cursorLocation();
            cursorStart = crtc.cursorStart();
            cursorEnd = crtc.cursorEnd();
            cursorSkew = crtc.cursorSkew();
            cursorShown = crtc.cursorEnabled() && (frameCount & 8) == 0;
            blinkOn = (frameCount & 16) == 0;
            underline = crtc.underlineLocation();
            blink = ac.blinkEnabled();
            lineGraphics = ac.lineGraphics();
            fontA = seq.fontOffset(true);
            fontB = seq.fontOffset(false);
        }
    }

    /** Captures a Bochs VBE 4-bit planar mode: DISPI's resolution, line length and start over longer planes. */
    void captureVbePlanar(BochsDispi dispi) {
        kind = KIND_VBE_PLANAR;
        columns = dispi.xres() / 8;
        nineDots = false;
        charDots = 8;
        dotScale = 1;
        width = columns * 8;
        height = dispi.yres();
        shiftMode = GraphicsController.SHIFT_PLANAR;
        eightBitColor = false;
        startMa = dispi.startOffset() / 4;
        rowOffset = dispi.lineLength() / 4;
        maxScanLine = 0;
        presetRowScan = 0;
        doubleScan = false;
        lineCompare = -1;
        addressShift = 0;
        planeLimit = vram.capacity() / 4;
        pan = 0;
        panResets = false;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** What decides how fetched input becomes pixels; a change means every line must be redrawn. */
    void key(int[] key) {
        Arrays.fill(key, 0);
        key[0] = kind;
        key[1] = width;
        key[2] = height;
        key[3] = columns;
        key[4] = charDots;
        key[5] = dotScale;
        key[6] = shiftMode;
        key[7] = eightBitColor ? 1 : 0;
        if (kind == KIND_TEXT) {
            key[8] = blink ? 1 : 0;
            key[9] = lineGraphics ? 1 : 0;
            key[10] = underline;
        }
    }

    /** Redraws the lines of {@code frame} (sized {@link #width()} × {@link #height()}) whose input changed. */
    void scan(Frame frame, ColourTables colours, boolean full, DirtyLines dirty) {
        int n = columns + 1; // one character clock more than displayed: pixel panning shifts it in
        int inputLength = n + EXTRA_INPUT;
        int needed = height * inputLength;
        if (previousInput.length != needed) {
            previousInput = new int[needed];
            full = true;
        }
        if (kind == KIND_TEXT && fontsChanged()) {
            full = true;
        }
        int ma = startMa;
        int rowScan = presetRowScan;
        cellsCount = -1;
        int repeat = 0;
        int repeats = doubleScan ? 2 : 1;
        boolean belowSplit = false;
        for (int y = 0; y < height; y++) {
            int linePan = belowSplit && panResets ? 0 : pan;
            int visible = linePan > 0 ? n : n - 1; // the extra clock only matters when panning shifts it in
            Arrays.fill(fetched, visible, inputLength, 0);
            if (kind == KIND_TEXT) {
                fetchText(ma, rowScan, visible, n);
            } else {
                fetchPlanes(ma, rowScan, visible);
            }
            fetched[n] = linePan;
            int at = y * inputLength;
            if (full || !Arrays.equals(fetched, 0, inputLength, previousInput, at, at + inputLength)) {
                System.arraycopy(fetched, 0, previousInput, at, inputLength);
                if (kind == KIND_TEXT) {
                    drawText(n, rowScan, fetched[n + 2], colours.byAttribute);
                } else {
                    drawPixels(n, colours);
                }
                System.arraycopy(line, linePan, frame.pixels(), y * width, width);
                dirty.add(y);
            }
            if (++repeat >= repeats) {
                repeat = 0;
                if (rowScan == maxScanLine) {
                    rowScan = 0;
                    ma += rowOffset;
                } else {
                    rowScan = (rowScan + 1) & 0x1F;
                }
            }
            if (y == lineCompare) { // the split screen: the lines after this one show memory from address 0
                ma = 0;
                rowScan = 0;
                repeat = 0;
                belowSplit = true;
            }
        }
    }

    private void fetchPlanes(int ma, int rowScan, int n) {
        for (int c = 0; c < n; c++) {
            int counter = ma + (c >> addressShift);
            if (kind == KIND_VBE_PLANAR) {
                fetched[c] = counter >= 0 && counter < planeLimit ? vram.getInt(counter << 2) : 0;
            } else {
                int address = CrtController.planeAddress(counter & 0xFFFF, rowScan, underlineReg, modeControlReg);
                fetched[c] = vram.getInt(address << 2);
            }
        }
    }

    /**
     * The row's character/attribute cells (fetched once for all its scan lines, unless the CGA bits make the
     * address depend on the row scan), then the row scan, the column the cursor covers on this scan line (or -1)
     * and the blink phase when a cell on the row blinks.
     */
    private void fetchText(int ma, int rowScan, int visible, int n) {
        if (ma != cellsMa || visible > cellsCount || (modeControlReg & 3) != 3) {
            for (int c = 0; c < visible; c++) {
                int counter = ma + (c >> addressShift);
                cells[c] = vram.getInt(
                        CrtController.planeAddress(counter & 0xFFFF, rowScan, underlineReg, modeControlReg) << 2)
                        & 0xFFFF;
            }
            cellsMa = ma;
            cellsCount = visible;
        }
        System.arraycopy(cells, 0, fetched, 0, visible);
        int cursorColumn = -1;
        if (cursorShown && rowScan >= cursorStart && rowScan <= cursorEnd) {
            for (int c = cursorSkew; c < visible; c++) {
                if (((ma + ((c - cursorSkew) >> addressShift)) & 0xFFFF) == cursorMa) {
                    cursorColumn = c;
                    break;
                }
            }
        }
        int blinking = 0;
        if (blink) {
            for (int c = 0; c < visible; c++) {
                if ((cells[c] & 0x8000) != 0) {
                    blinking = blinkOn ? 1 : 2;
                    break;
                }
            }
        }
        fetched[n + 1] = rowScan;
        fetched[n + 2] = cursorColumn;
        fetched[n + 3] = blinking;
    }

    /** Reads plane 2's character maps in use; returns whether they differ from the previous refresh's. */
    private boolean fontsChanged() {
        for (int i = 0; i < FONT_BYTES; i++) {
            fonts[i] = vram.get((fontA + i) << 2 | 2);
        }
        if (fontB != fontA) {
            for (int i = 0; i < FONT_BYTES; i++) {
                fonts[FONT_BYTES + i] = vram.get((fontB + i) << 2 | 2);
            }
        }
        boolean changed = fontA != previousFontA || fontB != previousFontB
                || !Arrays.equals(fonts, previousFonts);
        if (changed) {
            System.arraycopy(fonts, 0, previousFonts, 0, fonts.length);
            previousFontA = fontA;
            previousFontB = fontB;
        }
        return changed;
    }

    /**
     * Draws one text scan line from the cells in {@link #fetched}: each cell's glyph row (with the ninth dot,
     * underline, blink and cursor applied) in its foreground and background attribute colours.
     */
    private void drawText(int n, int rowScan, int cursorColumn, int[] palette) {
        int x = 0;
        for (int c = 0; c < n; c++) {
            int cell = fetched[c];
            int ch = cell & 0xFF;
            int attr = cell >>> 8;
            int font = (attr & 0x08) != 0 ? 0 : (fontB != fontA ? FONT_BYTES : 0);
            int glyph = previousFonts[font + ch * 32 + rowScan] & 0xFF;
            int bits = glyph << 1;
            if (nineDots && lineGraphics && ch >= 0xC0 && ch <= 0xDF) {
                bits |= glyph & 1; // box-drawing characters continue into the ninth dot
            }
            int bg = attr >>> 4;
            if (rowScan == underline && (attr & 0x77) == 0x01) {
                bits = 0x1FF;
            }
            if (blink) {
                bg &= 7;
                if ((attr & 0x80) != 0 && !blinkOn) {
                    bits = 0;
                }
            }
            if (c == cursorColumn) {
                bits = 0x1FF;
            }
            int fgColour = palette[attr & 0x0F];
            int bgColour = palette[bg];
            for (int d = 0; d < charDots; d++) {
                int colour = ((bits >>> (8 - d)) & 1) != 0 ? fgColour : bgColour;
                for (int s = 0; s < dotScale; s++) {
                    line[x++] = colour;
                }
            }
        }
    }

    private void drawPixels(int n, ColourTables colours) {
        int x = 0;
        for (int c = 0; c < n; c++) {
            unpack(fetched[c]);
            if (eightBitColor) {
                int[] palette = colours.byDacIndex;
                int dots = 2 * dotScale;
                for (int i = 0; i < 8; i += 2) {
                    int colour = palette[nibbles[i] << 4 | nibbles[i + 1]];
                    for (int s = 0; s < dots; s++) {
                        line[x++] = colour;
                    }
                }
            } else {
                int[] palette = colours.byAttribute;
                for (int i = 0; i < 8; i++) {
                    int colour = palette[nibbles[i]];
                    for (int s = 0; s < dotScale; s++) {
                        line[x++] = colour;
                    }
                }
            }
        }
    }

    /** The eight 4-bit values the graphics shift registers send for one character clock's plane bytes. */
    private void unpack(int planes) {
        int p0 = planes & 0xFF;
        int p1 = (planes >>> 8) & 0xFF;
        int p2 = (planes >>> 16) & 0xFF;
        int p3 = planes >>> 24;
        switch (shiftMode) {
            case GraphicsController.SHIFT_PLANAR -> {
                for (int i = 0; i < 8; i++) {
                    int b = 7 - i;
                    nibbles[i] = (p0 >> b & 1) | (p1 >> b & 1) << 1 | (p2 >> b & 1) << 2 | (p3 >> b & 1) << 3;
                }
            }
            case GraphicsController.SHIFT_INTERLEAVED -> { // CGA: 2-bit pixels from planes 0/2, then 1/3
                for (int i = 0; i < 4; i++) {
                    int b = 6 - 2 * i;
                    nibbles[i] = (p0 >> b & 3) | (p2 >> b & 3) << 2;
                    nibbles[i + 4] = (p1 >> b & 3) | (p3 >> b & 3) << 2;
                }
            }
            default -> { // 256-colour: each plane byte is two 4-bit values, high half first
                nibbles[0] = p0 >> 4;
                nibbles[1] = p0 & 0x0F;
                nibbles[2] = p1 >> 4;
                nibbles[3] = p1 & 0x0F;
                nibbles[4] = p2 >> 4;
                nibbles[5] = p2 & 0x0F;
                nibbles[6] = p3 >> 4;
                nibbles[7] = p3 & 0x0F;
            }
        }
    }
}
