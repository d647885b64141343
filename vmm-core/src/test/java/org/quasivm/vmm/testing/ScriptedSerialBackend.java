package org.quasivm.vmm.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

import org.quasivm.vmm.devices.uart.SerialBackend;

/** A serial backend a test feeds and inspects. */
public final class ScriptedSerialBackend implements SerialBackend {

    public final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final ArrayDeque<Integer> toGuest = new ArrayDeque<>();
    public int modem = CONNECTED;
    public int flushes;

    public void type(String s) {
        for (char c : s.toCharArray()) {
            toGuest.add((int) c);
        }
    }

    public int waiting() {
        return toGuest.size();
    }

    public String sentText() {
        return sent.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public void start(Runnable inputArrived) {
    }

    @Override
    public void transmit(int b) {
        sent.write(b);
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public int poll() {
        Integer b = toGuest.poll();
        return b == null ? -1 : b;
    }

    @Override
    public int modemInputs() {
        return modem;
    }

    @Override
    public void close() {
    }
}
