package org.quasivm.vmm.devices.debug;

import java.util.Objects;
import java.util.function.IntConsumer;

import org.quasivm.vmm.bus.BusDevice;

/** Port 80h: firmware POST codes. Each write is reported; the last one is kept (and reads back). */
public final class PostCodePort implements BusDevice {

    private final IntConsumer listener;
    private int last = -1;
    private long writes;

    /** @param listener told every code written (the board logs them) */
    public PostCodePort(IntConsumer listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public int read(int offset, int size) {
        return last < 0 ? 0xFF : last;
    }

    @Override
    public void write(int offset, int size, int value) {
        last = value & 0xFF;
        writes++;
        listener.accept(last);
    }

    /** The last POST code written, or -1 if none yet. */
    public int lastCode() {
        return last;
    }

    public long writes() {
        return writes;
    }

    public void restore(int code) {
        last = code < 0 ? -1 : code & 0xFF;
    }
}
