package org.quasivm.vmm.devices.vga;

/**
 * The VGA sequencer (ports 3C4h index, 3C5h data): dot clocking, which planes CPU writes reach, where the text
 * fonts live in plane 2, and how CPU addresses select planes (chain-4, odd/even).
 */
final class Sequencer {

    static final int RESET = 0x00;
    static final int CLOCKING_MODE = 0x01;
    static final int MAP_MASK = 0x02;
    static final int CHARACTER_MAP_SELECT = 0x03;
    static final int MEMORY_MODE = 0x04;
    static final int COUNT = 5;
    static final int INDEX_MASK = 0x07;

    static final int CLOCKING_8_DOT = 0x01;
    static final int CLOCKING_HALF_DOT_CLOCK = 0x08;
    static final int CLOCKING_SCREEN_OFF = 0x20;

    static final int MEMORY_ODD_EVEN_DISABLE = 0x04;
    static final int MEMORY_CHAIN_4 = 0x08;

    /** Bits that exist in each register; the others read as zero. */
    private static final int[] IMPLEMENTED = {0x03, 0x3D, 0x0F, 0x3F, 0x0E};

    private final int[] regs = new int[COUNT];
    private int index;

    Sequencer(SequencerState state) {
        load(state);
    }

    void load(SequencerState state) {
        int[] r = state.registers();
        for (int i = 0; i < COUNT; i++) {
            regs[i] = r[i] & IMPLEMENTED[i];
        }
        index = state.index();
    }

    SequencerState state() {
        return new SequencerState(index, regs.clone());
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

    /** Sets a register directly, as the Bochs VBE does when it switches modes. */
    void set(int register, int value) {
        regs[register] = value & IMPLEMENTED[register];
    }

    int get(int register) {
        return regs[register];
    }

    int mapMask() {
        return regs[MAP_MASK];
    }

    boolean chain4() {
        return (regs[MEMORY_MODE] & MEMORY_CHAIN_4) != 0;
    }

    /** Even CPU addresses write planes 0/2, odd ones planes 1/3. */
    boolean oddEvenWrites() {
        return (regs[MEMORY_MODE] & MEMORY_ODD_EVEN_DISABLE) == 0;
    }

    boolean eightDotCharacters() {
        return (regs[CLOCKING_MODE] & CLOCKING_8_DOT) != 0;
    }

    /** The dot clock is divided by two: every pixel is two dots wide (the 40-column and 320-pixel modes). */
    boolean halfDotClock() {
        return (regs[CLOCKING_MODE] & CLOCKING_HALF_DOT_CLOCK) != 0;
    }

    boolean screenOff() {
        return (regs[CLOCKING_MODE] & CLOCKING_SCREEN_OFF) != 0;
    }

    /**
     * Offset in plane 2 of the font used for characters whose attribute bit 3 is {@code attributeBit3}
     * (character map A when set, B when clear). Maps 0-3 are 16 KiB apart, maps 4-7 sit 8 KiB above them.
     */
    int fontOffset(boolean attributeBit3) {
        int v = regs[CHARACTER_MAP_SELECT];
        int map = attributeBit3
                ? ((v >> 2) & 3) | ((v >> 3) & 4)
                : (v & 3) | ((v >> 2) & 4);
        return (map & 3) * 0x4000 + (map >> 2) * 0x2000;
    }
}
