package org.quasivm.vmm.devices.vga;

/**
 * The VGA graphics controller (ports 3CEh index, 3CFh data): how CPU reads and writes combine with the four latched
 * planes (read modes 0/1, write modes 0-3, rotate and logical function, bit mask, set/reset), the memory map the
 * legacy window decodes, odd/even addressing, and the shift register mode the display uses.
 */
final class GraphicsController {

    static final int SET_RESET = 0x00;
    static final int ENABLE_SET_RESET = 0x01;
    static final int COLOR_COMPARE = 0x02;
    static final int DATA_ROTATE = 0x03;
    static final int READ_MAP_SELECT = 0x04;
    static final int MODE = 0x05;
    static final int MISCELLANEOUS = 0x06;
    static final int COLOR_DONT_CARE = 0x07;
    static final int BIT_MASK = 0x08;
    static final int COUNT = 9;
    static final int INDEX_MASK = 0x0F;

    static final int MODE_READ_MODE_1 = 0x08;
    static final int MODE_HOST_ODD_EVEN = 0x10;
    static final int MISC_GRAPHICS = 0x01;
    static final int MISC_CHAIN_ODD_EVEN = 0x02;

    /** The display's shift register modes (GR5 bits 5-6). */
    static final int SHIFT_PLANAR = 0;
    static final int SHIFT_INTERLEAVED = 1;
    static final int SHIFT_256_COLOUR = 2;

    private static final int[] IMPLEMENTED = {0x0F, 0x0F, 0x0F, 0x1F, 0x03, 0x7B, 0x0F, 0x0F, 0xFF};

    private final int[] regs = new int[COUNT];
    private int index;

    GraphicsController(GraphicsState state) {
        load(state);
    }

    void load(GraphicsState state) {
        int[] r = state.registers();
        for (int i = 0; i < COUNT; i++) {
            regs[i] = r[i] & IMPLEMENTED[i];
        }
        index = state.index();
    }

    GraphicsState state() {
        return new GraphicsState(index, regs.clone());
    }

    int readIndex() {
        return index;
    }

    void writeIndex(int value) {
        index = value & INDEX_MASK;
    }

    int readData() {
        return index < COUNT ? regs[index] : 0xFF;
    }

    void writeData(int value) {
        if (index < COUNT) {
            regs[index] = value & IMPLEMENTED[index];
        }
    }

    int get(int register) {
        return regs[register];
    }

    /** Sets a register directly, as the Bochs VBE does when it switches modes. */
    void set(int register, int value) {
        regs[register] = value & IMPLEMENTED[register];
    }

    int setReset() {
        return regs[SET_RESET];
    }

    int enableSetReset() {
        return regs[ENABLE_SET_RESET];
    }

    int colorCompare() {
        return regs[COLOR_COMPARE];
    }

    int colorDontCare() {
        return regs[COLOR_DONT_CARE];
    }

    int rotateCount() {
        return regs[DATA_ROTATE] & 7;
    }

    /** 0 replace, 1 AND, 2 OR, 3 XOR with the latches. */
    int logicalFunction() {
        return (regs[DATA_ROTATE] >> 3) & 3;
    }

    int readMapSelect() {
        return regs[READ_MAP_SELECT] & 3;
    }

    int writeMode() {
        return regs[MODE] & 3;
    }

    boolean readMode1() {
        return (regs[MODE] & MODE_READ_MODE_1) != 0;
    }

    boolean hostOddEven() {
        return (regs[MODE] & MODE_HOST_ODD_EVEN) != 0;
    }

    /** {@link #SHIFT_PLANAR}, {@link #SHIFT_INTERLEAVED}, or {@link #SHIFT_256_COLOUR} (GR5 bit 6 wins over bit 5). */
    int shiftMode() {
        int bits = (regs[MODE] >> 5) & 3;
        return bits >= 2 ? SHIFT_256_COLOUR : bits;
    }

    int bitMask() {
        return regs[BIT_MASK];
    }

    boolean graphicsMode() {
        return (regs[MISCELLANEOUS] & MISC_GRAPHICS) != 0;
    }

    boolean chainOddEven() {
        return (regs[MISCELLANEOUS] & MISC_CHAIN_ODD_EVEN) != 0;
    }

    /** 0: A0000-BFFFF, 1: A0000-AFFFF, 2: B0000-B7FFF, 3: B8000-BFFFF. */
    int memoryMap() {
        return (regs[MISCELLANEOUS] >> 2) & 3;
    }
}
