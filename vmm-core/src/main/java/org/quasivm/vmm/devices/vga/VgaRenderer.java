package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.quasivm.vmm.display.DirtyRect;
import org.quasivm.vmm.display.DisplaySource;
import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.display.TextScreen;

/**
 * Turns a {@link Vga}'s state into frames: what a monitor would show of the active display area (no border), one
 * frame pixel per dot, so 80×25 text with 9-dot characters is 720×400 and mode 13h is 640×400 (each of its 320×200
 * pixels two dots wide and two lines high) — the sizes QEMU's {@code screendump} produces.
 *
 * <p>A refresh redraws only scan lines whose inputs changed (see {@link CrtcScanout} and {@link LinearScanout});
 * a change of mode, size or colours redraws everything. With nothing changed a refresh allocates nothing.
 * While the sequencer has the screen off, or the attribute controller's palette address source bit is clear (in
 * Bochs VBE modes too: that is how {@code bochs-drm} blanks), the frame is black at its previous size.
 *
 * <p>VM thread only (it reads the virtual clock for blinking). Guest register values never make it fail: every
 * geometry is bounded by the register widths and the DISPI limits, and every memory read by the memory size.
 */
public final class VgaRenderer implements DisplaySource {

    /** The frame before the guest programs a mode. */
    public static final int INITIAL_WIDTH = 640;
    public static final int INITIAL_HEIGHT = 480;

    private static final int KEY_LENGTH = 12;

    private final Vga vga;
    private final CrtcScanout crtcScanout;
    private final LinearScanout linearScanout;
    private final ColourTables colours = new ColourTables();
    private final DirtyLines dirty = new DirtyLines();
    private int[] key = new int[KEY_LENGTH];
    private int[] previousKey = new int[KEY_LENGTH];
    private Frame frame = new Frame(INITIAL_WIDTH, INITIAL_HEIGHT);
    private boolean drawn;
    private boolean blankShown;

    public VgaRenderer(Vga vga) {
        this.vga = Objects.requireNonNull(vga, "vga");
        ByteBuffer vram = vga.framebuffer();
        crtcScanout = new CrtcScanout(vram);
        linearScanout = new LinearScanout(vram);
    }

    @Override
    public Frame frame() {
        return frame;
    }

    @Override
    public List<DirtyRect> refresh() {
        boolean coloursChanged = colours.update(vga.attribute(), vga.dac());
        BochsDispi dispi = vga.dispi();
        if (vga.sequencer().screenOff() || !vga.attribute().videoEnabled()) {
            return showBlank();
        }
        boolean linear = dispi.enabled() && dispi.bpp() != 4;
        int width;
        int height;
        if (linear) {
            linearScanout.capture(dispi);
            linearScanout.key(key);
            width = linearScanout.width();
            height = linearScanout.height();
        } else {
            if (dispi.enabled()) {
                crtcScanout.captureVbePlanar(dispi);
            } else {
                crtcScanout.captureVga(vga, vga.graphics().graphicsMode() ? 0 : vga.timing().frameCount());
            }
            crtcScanout.key(key);
            width = crtcScanout.width();
            height = crtcScanout.height();
        }
        boolean full = !drawn || blankShown || coloursChanged || !Arrays.equals(key, previousKey);
        int[] swap = previousKey;
        previousKey = key;
        key = swap;
        if (frame.width() != width || frame.height() != height) {
            frame = new Frame(width, height);
            full = true;
        }
        dirty.begin(width);
        if (linear) {
            linearScanout.scan(frame, colours, full, dirty);
        } else {
            crtcScanout.scan(frame, colours, full, dirty);
        }
        drawn = true;
        blankShown = false;
        return dirty.finish();
    }

    private List<DirtyRect> showBlank() {
        if (drawn && blankShown) {
            return List.of();
        }
        Arrays.fill(frame.pixels(), Frame.OPAQUE_BLACK);
        drawn = true;
        blankShown = true;
        return List.of(DirtyRect.whole(frame));
    }

    @Override
    public Optional<TextScreen> textScreen() {
        if (vga.dispi().enabled() || vga.graphics().graphicsMode()) {
            return Optional.empty();
        }
        CrtController crtc = vga.crtc();
        ByteBuffer vram = vga.framebuffer();
        int columns = crtc.displayedCharacters();
        int lineHeight = (crtc.maximumScanLine() + 1) * (crtc.doubleScan() ? 2 : 1);
        int rows = (crtc.displayedScanLines() + lineHeight - 1) / lineHeight;
        int start = crtc.startAddress() + crtc.bytePanning();
        int shift = crtc.addressClockShift();
        int cursor = crtc.cursorLocation();
        int[] cells = new int[columns * rows];
        int cursorColumn = -1;
        int cursorRow = -1;
        for (int r = 0; r < rows; r++) {
            int rowStart = start + r * crtc.rowOffset();
            for (int c = 0; c < columns; c++) {
                int counter = (rowStart + (c >> shift)) & 0xFFFF;
                int planes = vram.getInt(crtc.planeAddress(counter, 0) << 2);
                cells[r * columns + c] = planes & 0xFFFF;
                if (counter == cursor && cursorRow < 0) {
                    cursorColumn = c;
                    cursorRow = r;
                }
            }
        }
        boolean visible = cursorRow >= 0 && crtc.cursorEnabled() && crtc.cursorStart() <= crtc.cursorEnd();
        return Optional.of(new TextScreen(columns, rows, cells, cursorColumn, cursorRow, visible));
    }
}
