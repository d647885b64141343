package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;

/**
 * The Bochs VBE display interface (DISPI): an index port (1CEh) and a 16-bit data port (1CFh) that set a linear
 * framebuffer mode directly: resolution, depth, virtual width, panning offsets, a 64 KiB bank for the legacy window,
 * and an 8-bit DAC. This is the interface SeaBIOS's {@code vgabios-stdvga.bin}, Linux's {@code bochs-drm} and
 * {@code vesafb} (through the VGA BIOS) drive.
 *
 * <p>There is no way to report an error through DISPI, so impossible values are clamped to the nearest mode the
 * video memory can show (as the Bochs VBE does) whenever the interface is enabled: a resolution of 65535×65535 or
 * offsets beyond the memory become a mode that fits. The clamped registers are what the guest reads back.
 */
final class BochsDispi {

    static final int INDEX_ID = 0x0;
    static final int INDEX_XRES = 0x1;
    static final int INDEX_YRES = 0x2;
    static final int INDEX_BPP = 0x3;
    static final int INDEX_ENABLE = 0x4;
    static final int INDEX_BANK = 0x5;
    static final int INDEX_VIRT_WIDTH = 0x6;
    static final int INDEX_VIRT_HEIGHT = 0x7;
    static final int INDEX_X_OFFSET = 0x8;
    static final int INDEX_Y_OFFSET = 0x9;
    static final int INDEX_VIDEO_MEMORY_64K = 0xA;
    static final int REGISTER_COUNT = 10;

    static final int ID0 = 0xB0C0;
    static final int ID5 = 0xB0C5;

    static final int ENABLED = 0x01;
    static final int GETCAPS = 0x02;
    static final int EIGHT_BIT_DAC = 0x20;
    static final int LFB_ENABLED = 0x40;
    static final int NOCLEARMEM = 0x80;

    /** The largest mode offered; with the memory limit this bounds every frame the renderer allocates. */
    static final int MAX_XRES = 4096;
    static final int MAX_YRES = 4096;
    static final int MAX_BPP = 32;

    static final int BANK_SIZE = 0x10000;

    private final int[] regs = new int[REGISTER_COUNT];
    private final int vramSize;
    private final ByteBuffer vram;
    private final Sequencer sequencer;
    private final GraphicsController graphics;
    private final Dac dac;
    private int index;
    private int lineLength;
    private int startOffset;

    BochsDispi(DispiState state, ByteBuffer vram, Sequencer sequencer, GraphicsController graphics, Dac dac) {
        this.vram = vram;
        this.vramSize = vram.capacity();
        this.sequencer = sequencer;
        this.graphics = graphics;
        this.dac = dac;
        load(state);
    }

    void load(DispiState state) {
        int id = state.registers()[INDEX_ID];
        if (id < ID0 || id > ID5) {
            throw new IllegalArgumentException("DISPI id " + Integer.toHexString(id) + " is not B0C0..B0C5");
        }
        System.arraycopy(state.registers(), 0, regs, 0, REGISTER_COUNT);
        index = state.index();
        regs[INDEX_BANK] &= bankMask();
        dac.setEightBit((regs[INDEX_ENABLE] & EIGHT_BIT_DAC) != 0);
        fixUp();
    }

    DispiState state() {
        return new DispiState(index, regs.clone());
    }

    int readIndex() {
        return index;
    }

    void writeIndex(int value) {
        index = value & 0xFFFF;
    }

    int readData() {
        return read(index);
    }

    void writeData(int value) {
        write(index, value);
    }

    /** Register {@code index} as the data port would read it, without touching the index register. */
    int read(int index) {
        if (index >= 0 && index < REGISTER_COUNT) {
            if ((regs[INDEX_ENABLE] & GETCAPS) != 0) {
                switch (index) {
                    case INDEX_XRES: return MAX_XRES;
                    case INDEX_YRES: return MAX_YRES;
                    case INDEX_BPP: return MAX_BPP;
                    default: break;
                }
            }
            return regs[index];
        }
        if (index == INDEX_VIDEO_MEMORY_64K) {
            return vramSize / BANK_SIZE;
        }
        return 0;
    }

    /** Register {@code index} written as through the data port, without touching the index register. */
    void write(int index, int value) {
        value &= 0xFFFF;
        switch (index) {
            case INDEX_ID -> {
                if (value >= ID0 && value <= ID5) {
                    regs[INDEX_ID] = value;
                }
            }
            case INDEX_XRES, INDEX_YRES, INDEX_BPP, INDEX_VIRT_WIDTH, INDEX_X_OFFSET, INDEX_Y_OFFSET -> {
                regs[index] = value;
                fixUp();
            }
            case INDEX_BANK -> regs[INDEX_BANK] = value & bankMask();
            case INDEX_ENABLE -> writeEnable(value);
            default -> {
                // VIRT_HEIGHT is computed from the memory size; other indices name no register.
            }
        }
    }

    private void writeEnable(int value) {
        boolean enabling = (value & ENABLED) != 0 && !enabled();
        regs[INDEX_ENABLE] = value;
        dac.setEightBit((value & EIGHT_BIT_DAC) != 0);
        if (enabling) {
            // A new mode starts unpanned and with the virtual width of its resolution.
            regs[INDEX_VIRT_WIDTH] = 0;
            regs[INDEX_X_OFFSET] = 0;
            regs[INDEX_Y_OFFSET] = 0;
            fixUp();
            if ((value & NOCLEARMEM) == 0) {
                clear((long) regs[INDEX_YRES] * lineLength);
            }
            enterVgaCompatibleState();
        } else {
            fixUp();
        }
    }

    /**
     * Points the VGA at the linear mode as the Bochs VBE does, so that VGA-level code sees a consistent state:
     * the A0000 64 KiB graphics window and, above 4 bits per pixel, chain-4 with all planes and 256-colour shifting.
     */
    private void enterVgaCompatibleState() {
        int misc = graphics.get(GraphicsController.MISCELLANEOUS);
        graphics.set(GraphicsController.MISCELLANEOUS, (misc & ~0x0C) | 0x04 | GraphicsController.MISC_GRAPHICS);
        if (bpp() != 4) {
            sequencer.set(Sequencer.MEMORY_MODE, sequencer.get(Sequencer.MEMORY_MODE) | Sequencer.MEMORY_CHAIN_4);
            sequencer.set(Sequencer.MAP_MASK, 0x0F);
            graphics.set(GraphicsController.MODE, (graphics.get(GraphicsController.MODE) & ~0x60) | 0x40);
        } else {
            graphics.set(GraphicsController.MODE, graphics.get(GraphicsController.MODE) & ~0x60);
        }
    }

    private void clear(long bytes) {
        int n = (int) Math.min(bytes, vramSize);
        for (int i = 0; i + 8 <= n; i += 8) {
            vram.putLong(i, 0L);
        }
        for (int i = n & ~7; i < n; i++) {
            vram.put(i, (byte) 0);
        }
    }

    private int bankMask() {
        int mask = vramSize / BANK_SIZE - 1;
        return regs[INDEX_BPP] == 4 ? mask >> 2 : mask;
    }

    /** Clamps the mode registers to a mode the memory can show; only while enabled, as the Bochs VBE does. */
    private void fixUp() {
        if (!enabled()) {
            return;
        }
        int bpp = regs[INDEX_BPP];
        if (bpp != 4 && bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32) {
            bpp = 8;
            regs[INDEX_BPP] = bpp;
        }
        int bits = bpp == 15 ? 16 : bpp;

        int xres = Math.min(regs[INDEX_XRES] & ~7, MAX_XRES);
        if (xres == 0) {
            xres = 8;
        }
        int virtWidth = Math.max(Math.min(regs[INDEX_VIRT_WIDTH] & ~7, MAX_XRES), xres);
        int length = virtWidth * bits / 8;
        int maxY = vramSize / length;

        int yres = Math.min(Math.min(Math.max(regs[INDEX_YRES], 1), MAX_YRES), maxY);
        int xOffset = Math.min(regs[INDEX_X_OFFSET], MAX_XRES);
        int yOffset = Math.min(regs[INDEX_Y_OFFSET], MAX_YRES);
        long offset = (long) xOffset * bits / 8 + (long) yOffset * length;
        if (offset + (long) yres * length > vramSize) {
            yOffset = 0;
            offset = (long) xOffset * bits / 8;
            if (offset + (long) yres * length > vramSize) {
                xOffset = 0;
                offset = 0;
            }
        }
        regs[INDEX_XRES] = xres;
        regs[INDEX_YRES] = yres;
        regs[INDEX_VIRT_WIDTH] = virtWidth;
        regs[INDEX_VIRT_HEIGHT] = Math.min(maxY, 0xFFFF);
        regs[INDEX_X_OFFSET] = xOffset;
        regs[INDEX_Y_OFFSET] = yOffset;
        regs[INDEX_BANK] &= bankMask();
        lineLength = length;
        startOffset = (int) offset;
    }

    boolean enabled() {
        return (regs[INDEX_ENABLE] & ENABLED) != 0;
    }

    /** 4, 8, 15, 16, 24 or 32 while enabled. */
    int bpp() {
        return regs[INDEX_BPP];
    }

    int xres() {
        return regs[INDEX_XRES];
    }

    int yres() {
        return regs[INDEX_YRES];
    }

    /** Bytes from one line to the next (for 4 bits per pixel: across all four planes). */
    int lineLength() {
        return lineLength;
    }

    /** Byte offset of the first visible pixel (for 4 bits per pixel: across all four planes). */
    int startOffset() {
        return startOffset;
    }

    /** Where the legacy window's 64 KiB bank starts in video memory (in plane offsets at 4 bits per pixel). */
    int bankOffset() {
        return regs[INDEX_BANK] * BANK_SIZE;
    }
}
