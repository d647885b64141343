package org.quasivm.vmm.devices.vga;

/**
 * The VGA DAC (RAMDAC): 256 palette entries written and read three components at a time through ports 3C8h/3C7h
 * (write/read index) and 3C9h (data), and the pixel mask at 3C6h. Components are 6 bits wide unless the Bochs VBE
 * switched the DAC to 8 bits; a 6-bit DAC keeps only the low 6 bits of what is written, so software can tell them
 * apart by writing 0xFF and reading it back.
 */
final class Dac {

    static final int ENTRIES = 256;

    /** 6-bit DAC levels as 8-bit intensities: {@code round(v × 255 / 63)}, so 0x3F is full intensity 0xFF. */
    private static final int[] SIX_TO_EIGHT = ComponentScale.table(6);

    private final int[] palette = new int[ENTRIES * 3];
    private final int[] pending = new int[3];
    private int pixelMask;
    private int readIndex;
    private int writeIndex;
    private int component;
    private boolean readMode;
    private boolean eightBit;

    Dac(DacState state) {
        load(state);
    }

    void load(DacState state) {
        System.arraycopy(state.palette(), 0, palette, 0, palette.length);
        System.arraycopy(state.pendingWrite(), 0, pending, 0, 3);
        pixelMask = state.pixelMask();
        readIndex = state.readIndex();
        writeIndex = state.writeIndex();
        component = state.component();
        readMode = state.readMode();
    }

    DacState state() {
        return new DacState(palette.clone(), pixelMask, readIndex, writeIndex, component, readMode, pending.clone());
    }

    void setEightBit(boolean eightBit) {
        this.eightBit = eightBit;
    }

    boolean eightBit() {
        return eightBit;
    }

    int pixelMask() {
        return pixelMask;
    }

    void writePixelMask(int value) {
        pixelMask = value & 0xFF;
    }

    /** Port 3C7h read: 3 after a read index was set, 0 after a write index. */
    int readState() {
        return readMode ? 3 : 0;
    }

    void writeReadIndex(int value) {
        readIndex = value & 0xFF;
        component = 0;
        readMode = true;
    }

    int readWriteIndex() {
        return writeIndex;
    }

    void writeWriteIndex(int value) {
        writeIndex = value & 0xFF;
        component = 0;
        readMode = false;
    }

    int readData() {
        int value = palette[readIndex * 3 + component];
        if (++component == 3) {
            component = 0;
            readIndex = (readIndex + 1) & 0xFF;
        }
        return value;
    }

    void writeData(int value) {
        pending[component] = value & (eightBit ? 0xFF : 0x3F);
        if (++component == 3) {
            System.arraycopy(pending, 0, palette, writeIndex * 3, 3);
            component = 0;
            writeIndex = (writeIndex + 1) & 0xFF;
        }
    }

    /** Entry {@code i}'s component {@code c} (0 red, 1 green, 2 blue) as stored. */
    int component(int i, int c) {
        return palette[(i & 0xFF) * 3 + c];
    }

    /** Entry {@code i} as an opaque {@code 0xFFRRGGBB} colour. */
    int argb(int i) {
        int base = (i & 0xFF) * 3;
        return 0xFF00_0000 | expand(palette[base]) << 16 | expand(palette[base + 1]) << 8 | expand(palette[base + 2]);
    }

    private int expand(int v) {
        return eightBit ? v : SIX_TO_EIGHT[v & 0x3F];
    }
}
