package org.quasivm.vmm.devices.uart;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Guest output appended to a file (the VM's serial log); nothing is received. */
public final class FileSerialBackend implements SerialBackend {

    private final Path file;
    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int used;
    private IOException failure;

    /** Opens (creating or truncating) {@code file}; an error names the file. */
    public FileSerialBackend(Path file) throws IOException {
        this.file = file;
        try {
            this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new IOException(file + ": cannot open serial output file: " + e.getMessage(), e);
        }
    }

    @Override
    public void start(Runnable inputArrived) {
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
        if (used == 0 || failure != null) {
            used = 0;
            return;
        }
        try {
            out.write(buffer, 0, used);
            out.flush();
        } catch (IOException e) {
            failure = e; // a full disk must not stop the guest; reported by close()
        }
        used = 0;
    }

    @Override
    public int poll() {
        return -1;
    }

    @Override
    public void close() {
        flush();
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException(file + ": serial output was not fully written", failure);
        }
    }
}
