package org.quasivm.vmm.devices.vga;

import java.util.ArrayList;
import java.util.List;

import org.quasivm.vmm.display.DirtyRect;

/** Collects redrawn scan lines, in increasing order, into full-width bands. Allocates only when a line is dirty. */
final class DirtyLines {

    private List<DirtyRect> rects;
    private int width;
    private int runStart;
    private int runEnd;

    void begin(int frameWidth) {
        rects = null;
        width = frameWidth;
        runStart = -1;
    }

    void add(int y) {
        if (runStart >= 0 && y == runEnd) {
            runEnd++;
            return;
        }
        close();
        runStart = y;
        runEnd = y + 1;
    }

    List<DirtyRect> finish() {
        close();
        return rects == null ? List.of() : rects;
    }

    private void close() {
        if (runStart >= 0) {
            if (rects == null) {
                rects = new ArrayList<>(4);
            }
            rects.add(new DirtyRect(0, runStart, width, runEnd - runStart));
            runStart = -1;
        }
    }
}
