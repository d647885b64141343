package org.quasivm.vmm.devices.uart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The terminal: guest output to standard output (flushed at the end of every run slice, so it appears as it
 * comes), standard input to the guest. End of standard input only ends the reader; the VM keeps running.
 */
public final class StdioSerialBackend implements SerialBackend {

    private final InputStream in;
    private final OutputStream out;
    private final HostInputQueue queue = new HostInputQueue(4096);
    private final byte[] buffer = new byte[8192];
    private int used;
    private boolean outputBroken;
    private Thread reader;

    public StdioSerialBackend() {
        this(System.in, System.out);
    }

    public StdioSerialBackend(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public void start(Runnable inputArrived) {
        reader = new Thread(() -> pump(inputArrived), "serial-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(Runnable inputArrived) {
        byte[] chunk = new byte[256];
        try {
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (!queue.put(chunk, 0, n)) {
                    return;
                }
                inputArrived.run();
            }
        } catch (IOException | InterruptedException e) {
            // standard input went away: the guest simply receives nothing more
        }
    }

    @Override
    public void transmit(int b) {
        if (used == buffer.length) {
            flush();
        }
        buffer[used++] = (byte) b;
    }

    @Override
    public void flush() {
        if (used > 0 && !outputBroken) {
            try {
                out.write(buffer, 0, used);
                out.flush();
            } catch (IOException e) {
                outputBroken = true; // a closed pipe must not stop the guest
            }
        }
        used = 0;
    }

    @Override
    public int poll() {
        return queue.poll();
    }

    @Override
    public void close() {
        flush();
        queue.close();
    }
}
