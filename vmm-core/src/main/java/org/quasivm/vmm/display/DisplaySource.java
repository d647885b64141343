package org.quasivm.vmm.display;

import java.util.List;
import java.util.Optional;

/**
 * A display adapter as the console and screenshots see it: a frame kept up to date on demand, and what changed.
 * Implementations make an unchanged screen cheap to refresh (the console polls about 60 times a second).
 */
public interface DisplaySource {

    /**
     * Brings {@link #frame()} up to date with the adapter's memory and registers. Returns the rectangles that changed
     * since the previous refresh (an empty list when nothing did). When the display size changes, {@link #frame()}
     * becomes a new frame and the whole of it is reported.
     */
    List<DirtyRect> refresh();

    /** The frame as of the last {@link #refresh()}. */
    Frame frame();

    /** The characters on screen when the adapter shows text, read from its memory now; empty in graphics modes. */
    Optional<TextScreen> textScreen();
}
