package org.quasivm.vmm.devices.vga;

/**
 * The VGA attribute controller (port 3C0h address/data through a flip-flop that reading input status 1 resets,
 * 3C1h data read): the 16 palette registers mapping 4-bit pixel values to DAC indices, the mode control (graphics,
 * blink, line graphics, 8-bit colour, panning compatibility), colour plane enable, pixel panning and colour select.
 *
 * <p>While the index register's palette address source bit (PAS, bit 5) is clear the display shows no video, as on
 * the IBM VGA; palette writes are accepted either way, as most VGA-compatible chips do.
 */
final class AttributeController {

    static final int PALETTE_COUNT = 16;
    static final int MODE_CONTROL = 0x10;
    static final int OVERSCAN_COLOR = 0x11;
    static final int COLOR_PLANE_ENABLE = 0x12;
    static final int HORIZONTAL_PIXEL_PANNING = 0x13;
    static final int COLOR_SELECT = 0x14;
    static final int COUNT = 0x15;
    static final int INDEX_WRITABLE = 0x3F;
    static final int PALETTE_ADDRESS_SOURCE = 0x20;

    static final int MODE_GRAPHICS = 0x01;
    static final int MODE_LINE_GRAPHICS = 0x04;
    static final int MODE_BLINK = 0x08;
    static final int MODE_PANNING_COMPATIBILITY = 0x20;
    static final int MODE_8_BIT_COLOR = 0x40;
    static final int MODE_P54_SELECT = 0x80;

    private static final int[] IMPLEMENTED = {
        0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
        0xEF, 0xFF, 0x3F, 0x0F, 0x0F};

    private final int[] regs = new int[COUNT];
    private int index;
    private boolean dataNext;

    AttributeController(AttributeState state) {
        load(state);
    }

    void load(AttributeState state) {
        int[] r = state.registers();
        for (int i = 0; i < COUNT; i++) {
            regs[i] = r[i] & IMPLEMENTED[i];
        }
        index = state.index();
        dataNext = state.dataNext();
    }

    AttributeState state() {
        return new AttributeState(index, dataNext, regs.clone());
    }

    /** Port 3C0h written: the index on the first write, data on the next. */
    void write(int value) {
        if (!dataNext) {
            index = value & INDEX_WRITABLE;
        } else {
            int i = index & 0x1F;
            if (i < COUNT) {
                regs[i] = value & IMPLEMENTED[i];
            }
        }
        dataNext = !dataNext;
    }

    int readIndex() {
        return index;
    }

    /** Port 3C1h: the register the index names. */
    int readData() {
        int i = index & 0x1F;
        return i < COUNT ? regs[i] : 0xFF;
    }

    /** Reading input status 1 sends the next 3C0h write to the index. */
    void resetFlipFlop() {
        dataNext = false;
    }

    int get(int register) {
        return regs[register];
    }

    /** Sets a register directly, as the Bochs VBE does when it switches modes. */
    void set(int register, int value) {
        regs[register] = value & IMPLEMENTED[register];
    }

    boolean videoEnabled() {
        return (index & PALETTE_ADDRESS_SOURCE) != 0;
    }

    boolean graphicsMode() {
        return (regs[MODE_CONTROL] & MODE_GRAPHICS) != 0;
    }

    boolean lineGraphics() {
        return (regs[MODE_CONTROL] & MODE_LINE_GRAPHICS) != 0;
    }

    boolean blinkEnabled() {
        return (regs[MODE_CONTROL] & MODE_BLINK) != 0;
    }

    boolean panningResetsAtLineCompare() {
        return (regs[MODE_CONTROL] & MODE_PANNING_COMPATIBILITY) != 0;
    }

    boolean eightBitColor() {
        return (regs[MODE_CONTROL] & MODE_8_BIT_COLOR) != 0;
    }

    int pixelPanning() {
        return regs[HORIZONTAL_PIXEL_PANNING] & 0x0F;
    }

    /** The DAC index a 4-bit pixel value selects: plane enable, palette register, then colour select bits. */
    int dacIndex(int pixel) {
        int v = regs[pixel & regs[COLOR_PLANE_ENABLE] & 0x0F];
        int select = regs[COLOR_SELECT];
        if ((regs[MODE_CONTROL] & MODE_P54_SELECT) != 0) {
            v = (v & 0x0F) | (select & 0x03) << 4;
        }
        return v | (select & 0x0C) << 4;
    }
}
