package org.quasivm.vmm.testing;

import java.util.ArrayList;
import java.util.List;

import org.quasivm.vmm.bus.IrqLine;

/** An {@link IrqLine} that remembers its level and every transition, for device tests. */
public final class RecordingIrqLine implements IrqLine {

    private boolean level;
    private int raises;
    private final List<Boolean> history = new ArrayList<>();

    @Override
    public void setLevel(boolean high) {
        if (high && !level) {
            raises++;
        }
        if (high != level) {
            history.add(high);
        }
        level = high;
    }

    public boolean isHigh() {
        return level;
    }

    /** Low-to-high transitions seen so far. */
    public int raises() {
        return raises;
    }

    public List<Boolean> transitions() {
        return List.copyOf(history);
    }

    public void clearCounts() {
        raises = 0;
        history.clear();
    }
}
