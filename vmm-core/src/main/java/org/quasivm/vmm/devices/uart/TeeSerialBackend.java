package org.quasivm.vmm.devices.uart;

import java.util.Objects;

/** A backend that also records the guest's output in a {@link SerialTranscript} (published at each flush). */
public final class TeeSerialBackend implements SerialBackend {

    private final SerialBackend primary;
    private final SerialTranscript transcript;
    private final byte[] buffer = new byte[4096];
    private int used;

    public TeeSerialBackend(SerialBackend primary, SerialTranscript transcript) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.transcript = Objects.requireNonNull(transcript, "transcript");
    }

    @Override
    public void start(Runnable inputArrived) {
        primary.start(inputArrived);
    }

    @Override
    public void transmit(int b) {
        primary.transmit(b);
        if (used == buffer.length) {
            publish();
        }
        buffer[used++] = (byte) b;
    }

    @Override
    public void flush() {
        primary.flush();
        publish();
    }

    private void publish() {
        if (used > 0) {
            transcript.append(buffer, 0, used);
            used = 0;
        }
    }

    @Override
    public int poll() {
        return primary.poll();
    }

    @Override
    public int modemInputs() {
        return primary.modemInputs();
    }

    @Override
    public void close() {
        publish();
        primary.close();
    }
}
