package org.quasivm.vmm.devices.vga;

/**
 * The VGA CRT controller (ports 3B4h/3B5h or 3D4h/3D5h by the misc output's I/O select): display timing and
 * geometry, the scan-out address (start, offset, byte/word/doubleword addressing), line compare and the text cursor.
 *
 * <p>CR00-CR07 are write-protected while CR11 bit 7 is set, except CR07 bit 4 (line compare bit 8), as on the IBM
 * VGA. Indices above CR18 name no register: they read as all ones and ignore writes.
 */
final class CrtController {

    static final int HORIZONTAL_TOTAL = 0x00;
    static final int HORIZONTAL_DISPLAY_END = 0x01;
    static final int OVERFLOW = 0x07;
    static final int PRESET_ROW_SCAN = 0x08;
    static final int MAXIMUM_SCAN_LINE = 0x09;
    static final int CURSOR_START = 0x0A;
    static final int CURSOR_END = 0x0B;
    static final int START_ADDRESS_HIGH = 0x0C;
    static final int START_ADDRESS_LOW = 0x0D;
    static final int CURSOR_LOCATION_HIGH = 0x0E;
    static final int CURSOR_LOCATION_LOW = 0x0F;
    static final int VERTICAL_RETRACE_START = 0x10;
    static final int VERTICAL_RETRACE_END = 0x11;
    static final int VERTICAL_DISPLAY_END = 0x12;
    static final int OFFSET = 0x13;
    static final int UNDERLINE_LOCATION = 0x14;
    static final int MODE_CONTROL = 0x17;
    static final int LINE_COMPARE = 0x18;
    static final int VERTICAL_TOTAL = 0x06;
    static final int COUNT = 0x19;

    static final int RETRACE_END_PROTECT = 0x80;
    static final int OVERFLOW_LINE_COMPARE_8 = 0x10;
    static final int MAX_SCAN_DOUBLE_SCAN = 0x80;
    static final int MAX_SCAN_LINE_COMPARE_9 = 0x40;
    static final int CURSOR_DISABLE = 0x20;
    static final int UNDERLINE_DOUBLEWORD = 0x40;
    static final int UNDERLINE_COUNT_BY_4 = 0x20;
    static final int MODE_MAP_13 = 0x01;
    static final int MODE_MAP_14 = 0x02;
    static final int MODE_COUNT_BY_2 = 0x08;
    static final int MODE_ADDRESS_WRAP = 0x20;
    static final int MODE_BYTE_MODE = 0x40;

    private final int[] regs = new int[COUNT];
    private int index;

    CrtController(CrtcState state) {
        load(state);
    }

    void load(CrtcState state) {
        System.arraycopy(state.registers(), 0, regs, 0, COUNT);
        index = state.index();
    }

    CrtcState state() {
        return new CrtcState(index, regs.clone());
    }

    int readIndex() {
        return index;
    }

    void writeIndex(int value) {
        index = value & 0xFF;
    }

    int readData() {
        return index < COUNT ? regs[index] : 0xFF;
    }

    void writeData(int value) {
        value &= 0xFF;
        if (index >= COUNT) {
            return;
        }
        if (index <= OVERFLOW && (regs[VERTICAL_RETRACE_END] & RETRACE_END_PROTECT) != 0) {
            if (index == OVERFLOW) {
                regs[OVERFLOW] = (regs[OVERFLOW] & ~OVERFLOW_LINE_COMPARE_8) | (value & OVERFLOW_LINE_COMPARE_8);
            }
            return;
        }
        regs[index] = value;
    }

    int get(int register) {
        return regs[register];
    }

    /** Sets a register directly (no write protection), as the Bochs VBE does when it switches modes. */
    void set(int register, int value) {
        regs[register] = value & 0xFF;
    }

    /** Character clocks of active display per scan line. */
    int displayedCharacters() {
        return regs[HORIZONTAL_DISPLAY_END] + 1;
    }

    /** Scan lines of active display. */
    int displayedScanLines() {
        int o = regs[OVERFLOW];
        return (regs[VERTICAL_DISPLAY_END] | (o & 0x02) << 7 | (o & 0x40) << 3) + 1;
    }

    int verticalTotal() {
        int o = regs[OVERFLOW];
        return (regs[VERTICAL_TOTAL] | (o & 0x01) << 8 | (o & 0x20) << 4) + 2;
    }

    int verticalRetraceStart() {
        int o = regs[OVERFLOW];
        return regs[VERTICAL_RETRACE_START] | (o & 0x04) << 6 | (o & 0x80) << 2;
    }

    /** Scan lines the vertical retrace pulse lasts: it ends when the line counter's low 4 bits match CR11. */
    int verticalRetraceLength() {
        int length = (regs[VERTICAL_RETRACE_END] - verticalRetraceStart()) & 0x0F;
        return length == 0 ? 16 : length;
    }

    int horizontalTotal() {
        return regs[HORIZONTAL_TOTAL] + 5;
    }

    int lineCompare() {
        return regs[LINE_COMPARE] | (regs[OVERFLOW] & OVERFLOW_LINE_COMPARE_8) << 4
                | (regs[MAXIMUM_SCAN_LINE] & MAX_SCAN_LINE_COMPARE_9) << 3;
    }

    int maximumScanLine() {
        return regs[MAXIMUM_SCAN_LINE] & 0x1F;
    }

    boolean doubleScan() {
        return (regs[MAXIMUM_SCAN_LINE] & MAX_SCAN_DOUBLE_SCAN) != 0;
    }

    int presetRowScan() {
        return regs[PRESET_ROW_SCAN] & 0x1F;
    }

    /** Character clocks the start address is moved right by (CR08 bits 5-6). */
    int bytePanning() {
        return (regs[PRESET_ROW_SCAN] >> 5) & 3;
    }

    int startAddress() {
        return regs[START_ADDRESS_HIGH] << 8 | regs[START_ADDRESS_LOW];
    }

    /** Address-counter units from one character row to the next: twice the offset register. */
    int rowOffset() {
        return regs[OFFSET] * 2;
    }

    int cursorLocation() {
        return regs[CURSOR_LOCATION_HIGH] << 8 | regs[CURSOR_LOCATION_LOW];
    }

    boolean cursorEnabled() {
        return (regs[CURSOR_START] & CURSOR_DISABLE) == 0;
    }

    int cursorStart() {
        return regs[CURSOR_START] & 0x1F;
    }

    int cursorEnd() {
        return regs[CURSOR_END] & 0x1F;
    }

    int cursorSkew() {
        return (regs[CURSOR_END] >> 5) & 3;
    }

    int underlineLocation() {
        return regs[UNDERLINE_LOCATION] & 0x1F;
    }

    boolean doublewordMode() {
        return (regs[UNDERLINE_LOCATION] & UNDERLINE_DOUBLEWORD) != 0;
    }

    boolean byteMode() {
        return (regs[MODE_CONTROL] & MODE_BYTE_MODE) != 0;
    }

    /** log2 of how many character clocks share one address (count by 2 / count by 4). */
    int addressClockShift() {
        if ((regs[UNDERLINE_LOCATION] & UNDERLINE_COUNT_BY_4) != 0) {
            return 2;
        }
        return (regs[MODE_CONTROL] & MODE_COUNT_BY_2) != 0 ? 1 : 0;
    }

    /** {@link #planeAddress(int, int, int, int)} with the current registers. */
    int planeAddress(int ma, int rowScan) {
        return planeAddress(ma, rowScan, regs[UNDERLINE_LOCATION], regs[MODE_CONTROL]);
    }

    /**
     * The plane offset the CRTC fetches for address counter {@code ma} on row scan {@code rowScan}, given CR14 and
     * CR17: word mode rotates the counter left by one (bit 0 from MA13 or MA15), doubleword mode by two (MA12,
     * MA13), and the CGA compatibility bits put row scan bits 0/1 on address lines 13/14 (CGA's interleaved
     * scan-line banks). Always within the 64 KiB plane.
     */
    static int planeAddress(int ma, int rowScan, int underlineLocation, int modeControl) {
        int address;
        if ((underlineLocation & UNDERLINE_DOUBLEWORD) != 0) {
            address = ma << 2 | (ma >> 12 & 3);
        } else if ((modeControl & MODE_BYTE_MODE) == 0) {
            int wrapBit = (modeControl & MODE_ADDRESS_WRAP) != 0 ? 15 : 13;
            address = ma << 1 | (ma >> wrapBit & 1);
        } else {
            address = ma;
        }
        if ((modeControl & MODE_MAP_13) == 0) {
            address = (address & ~0x2000) | (rowScan & 1) << 13;
        }
        if ((modeControl & MODE_MAP_14) == 0) {
            address = (address & ~0x4000) | (rowScan & 2) << 13;
        }
        return address & 0xFFFF;
    }
}
