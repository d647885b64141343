package org.quasivm.vmm.testing;

import java.nio.charset.StandardCharsets;

import org.quasivm.vmm.devices.uart.HostInputQueue;
import org.quasivm.vmm.devices.uart.SerialBackend;
import org.quasivm.vmm.devices.uart.SerialTranscript;

/** A serial terminal a test types into from its own thread; what the guest prints lands in a transcript. */
public final class TestTerminal implements SerialBackend {

    public final SerialTranscript transcript = new SerialTranscript(4 << 20);
    private final HostInputQueue input = new HostInputQueue(1 << 16);
    private final byte[] pending = new byte[4096];
    private int used;
    private volatile Runnable wake = () -> { };

    /** Sends {@code text} to the guest (any thread). */
    public void type(String text) throws InterruptedException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        input.put(b, 0, b.length);
        wake.run();
    }

    @Override
    public void start(Runnable inputArrived) {
        this.wake = inputArrived;
    }

    @Override
    public void transmit(int b) {
        if (used == pending.length) {
            flush();
        }
        pending[used++] = (byte) b;
    }

    @Override
    public void flush() {
        if (used > 0) {
            transcript.append(pending, 0, used);
            used = 0;
        }
    }

    @Override
    public int poll() {
        return input.poll();
    }

    @Override
    public void close() {
        flush();
        input.close();
    }
}
