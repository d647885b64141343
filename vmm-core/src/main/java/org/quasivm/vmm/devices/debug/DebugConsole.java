package org.quasivm.vmm.devices.debug;

import java.util.Objects;
import java.util.function.Consumer;

import org.quasivm.vmm.bus.BusDevice;

/**
 * The Bochs/QEMU debug console ports (402h, where SeaBIOS writes its log, and E9h): bytes become lines handed to a
 * sink (the VM log). Reading returns E9h, which is how guests detect the port. Lines are capped at 4 KiB so a
 * guest that never writes a newline cannot grow memory.
 */
public final class DebugConsole implements BusDevice {

    static final int MAX_LINE = 4096;
    static final int PRESENT = 0xE9;

    private final Consumer<String> lines;
    private final StringBuilder line = new StringBuilder();

    public DebugConsole(Consumer<String> lines) {
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    @Override
    public int read(int offset, int size) {
        return PRESENT;
    }

    @Override
    public void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            put((value >>> (8 * i)) & 0xFF);
        }
    }

    private void put(int b) {
        if (b == '\n') {
            flush();
        } else if (b != '\r') {
            line.append((char) b);
            if (line.length() >= MAX_LINE) {
                flush();
            }
        }
    }

    /** Hands over a partial line (at shutdown). */
    public void flush() {
        if (line.length() > 0) {
            lines.accept(line.toString());
            line.setLength(0);
        }
    }
}
