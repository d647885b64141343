package org.quasivm.vmm.display;

import java.util.Arrays;

/**
 * The pixels of a display: {@code width × height} opaque colours, row-major, each {@code 0xFFRRGGBB}.
 *
 * <p>The array is live: the {@link DisplaySource} that owns the frame redraws parts of it on each refresh and reports
 * which parts in its dirty rectangles. Readers copy what they need after a refresh, on the thread that refreshes.
 */
public final class Frame {

    /** Largest side a frame may have; devices bound their modes well below this. */
    public static final int MAX_SIDE = 16384;

    /** Largest pixel count (64 Mi pixels, 256 MiB of ARGB): keeps a guest-chosen mode from exhausting the heap. */
    public static final int MAX_PIXELS = 1 << 26;

    public static final int OPAQUE_BLACK = 0xFF00_0000;

    private final int width;
    private final int height;
    private final int[] pixels;

    /** A frame filled with opaque black. */
    public Frame(int width, int height) {
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("frame size " + width + "x" + height + " is outside 1.."
                    + MAX_SIDE + " per side and " + MAX_PIXELS + " pixels");
        }
        this.width = width;
        this.height = height;
        this.pixels = new int[width * height];
        Arrays.fill(pixels, OPAQUE_BLACK);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The live pixel array, row-major: pixel (x, y) is at {@code y * width() + x}. */
    public int[] pixels() {
        return pixels;
    }

    public int pixel(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ") outside " + width + "x" + height);
        }
        return pixels[y * width + x];
    }

    /** A copy of this frame's current pixels. */
    public Frame copy() {
        Frame copy = new Frame(width, height);
        System.arraycopy(pixels, 0, copy.pixels, 0, pixels.length);
        return copy;
    }

    /** Whether {@code other} has the same size and the same pixels. */
    public boolean samePixels(Frame other) {
        return other.width == width && other.height == height && Arrays.equals(other.pixels, pixels);
    }

    @Override
    public String toString() {
        return "Frame[" + width + "x" + height + "]";
    }
}
