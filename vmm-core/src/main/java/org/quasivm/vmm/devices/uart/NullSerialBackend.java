package org.quasivm.vmm.devices.uart;

/** A port with nothing attached: output is dropped, nothing is ever received; the modem lines read as connected. */
public final class NullSerialBackend implements SerialBackend {

    @Override
    public void start(Runnable inputArrived) {
    }

    @Override
    public void transmit(int b) {
    }

    @Override
    public void flush() {
    }

    @Override
    public int poll() {
        return -1;
    }

    @Override
    public void close() {
    }
}
