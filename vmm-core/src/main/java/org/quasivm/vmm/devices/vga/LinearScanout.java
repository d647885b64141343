package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.quasivm.vmm.display.Frame;

/**
 * Scan-out of the Bochs VBE's packed and direct-colour modes (8, 15, 16, 24 and 32 bits per pixel) from the linear
 * framebuffer.
 *
 * <p>Change detection: the CPU writes the framebuffer directly, with no trap to notice it, so each refresh compares
 * every visible line with a copy of the bytes the previous refresh drew from ({@link ByteBuffer#mismatch}, which
 * the JDK vectorises: about a millisecond for a 1920×1080×32 frame) and redraws only lines that differ. The copy is
 * exact, unlike per-line hashes, and needs no help from the executor or KVM dirty logging.
 */
final class LinearScanout {

    private static final int[] FIVE_TO_EIGHT = ComponentScale.table(5);
    private static final int[] SIX_TO_EIGHT = ComponentScale.table(6);

    private final ByteBuffer vram;
    private final ByteBuffer vramView;
    private byte[] previous = new byte[0];
    private ByteBuffer previousView = ByteBuffer.wrap(previous);

    private int width;
    private int height;
    private int bpp;
    private int bytesPerPixel;
    private int lineLength;
    private int start;

    LinearScanout(ByteBuffer vram) {
        this.vram = vram;
        this.vramView = vram.duplicate();
    }

    void capture(BochsDispi dispi) {
        width = dispi.xres();
        height = dispi.yres();
        bpp = dispi.bpp();
        bytesPerPixel = (bpp + 7) / 8;
        lineLength = dispi.lineLength();
        start = dispi.startOffset();
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    void key(int[] key) {
        Arrays.fill(key, 0);
        key[0] = 4;
        key[1] = width;
        key[2] = height;
        key[3] = bpp;
    }

    void scan(Frame frame, ColourTables colours, boolean full, DirtyLines dirty) {
        int lineBytes = width * bytesPerPixel;
        int needed = height * lineBytes;
        if (previous.length != needed) {
            previous = new byte[needed];
            previousView = ByteBuffer.wrap(previous);
            full = true;
        }
        int capacity = vram.capacity();
        for (int y = 0; y < height; y++) {
            long source = (long) start + (long) y * lineLength;
            int at = y * lineBytes;
            boolean inMemory = source >= 0 && source + lineBytes <= capacity;
            boolean changed;
            if (inMemory) {
                vramView.clear().position((int) source).limit((int) source + lineBytes);
                previousView.clear().position(at).limit(at + lineBytes);
                changed = full || vramView.mismatch(previousView) >= 0;
                if (changed) {
                    vram.get((int) source, previous, at, lineBytes);
                }
            } else { // DISPI keeps modes inside memory; a line outside would read as zeros
                changed = full;
                Arrays.fill(previous, at, at + lineBytes, (byte) 0);
            }
            if (changed) {
                convert(at, frame.pixels(), y * width, colours.byDacIndex);
                dirty.add(y);
            }
        }
    }

    private void convert(int at, int[] pixels, int to, int[] palette) {
        byte[] b = previous;
        switch (bpp) {
            case 8 -> {
                for (int x = 0; x < width; x++) {
                    pixels[to + x] = palette[b[at + x] & 0xFF];
                }
            }
            case 15 -> {
                for (int x = 0, p = at; x < width; x++, p += 2) {
                    int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
                    pixels[to + x] = 0xFF00_0000 | five(v >> 10) << 16 | five(v >> 5) << 8 | five(v);
                }
            }
            case 16 -> {
                for (int x = 0, p = at; x < width; x++, p += 2) {
                    int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
                    pixels[to + x] = 0xFF00_0000 | five(v >> 11) << 16 | SIX_TO_EIGHT[(v >> 5) & 0x3F] << 8 | five(v);
                }
            }
            case 24 -> {
                for (int x = 0, p = at; x < width; x++, p += 3) {
                    pixels[to + x] = 0xFF00_0000 | (b[p + 2] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p] & 0xFF);
                }
            }
            default -> {
                for (int x = 0, p = at; x < width; x++, p += 4) {
                    pixels[to + x] = 0xFF00_0000 | (b[p + 2] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p] & 0xFF);
                }
            }
        }
    }

    private static int five(int v) {
        return FIVE_TO_EIGHT[v & 0x1F];
    }
}
