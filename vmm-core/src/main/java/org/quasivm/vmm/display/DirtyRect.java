package org.quasivm.vmm.display;

/** A rectangle of a {@link Frame} whose pixels changed in a refresh. */
public record DirtyRect(int x, int y, int width, int height) {

    public DirtyRect {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("bad dirty rectangle " + x + "," + y + " " + width + "x" + height);
        }
    }

    public static DirtyRect whole(Frame frame) {
        return new DirtyRect(0, 0, frame.width(), frame.height());
    }
}
