package org.quasivm.vmm.devices.uart;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Unix domain socket a terminal or the console attaches to (e.g. {@code socat - UNIX-CONNECT:path}). One client
 * at a time; a new client replaces the old. Output made while nobody is attached is kept (the last 64 KiB) and
 * sent when a client connects. The VM thread never waits for the socket: it hands bytes to a writer thread.
 */
public final class UnixSocketSerialBackend implements SerialBackend {

    static final int BACKLOG = 64 * 1024;

    private final Path path;
    private final ServerSocketChannel server;
    private final HostInputQueue input = new HostInputQueue(4096);
    private final byte[] pending = new byte[8192];
    private int pendingUsed;
    private final byte[] ring = new byte[BACKLOG];
    private int ringHead;
    private int ringCount;
    private SocketChannel client;
    private volatile boolean closed;
    private Thread acceptor;
    private Thread writer;

    /** Listens at {@code path}; a stale socket file is replaced, a live one (another VM) is an error. */
    public UnixSocketSerialBackend(Path path) throws IOException {
        this.path = path;
        if (Files.exists(path)) {
            if (!Files.isRegularFile(path) && !Files.isDirectory(path) && isStale(path)) {
                Files.delete(path);
            } else {
                throw new IOException(path + ": serial socket path is in use");
            }
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException(path + ": cannot listen for the serial console: " + e.getMessage(), e);
        }
    }

    private static boolean isStale(Path path) {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
            return false; // somebody answered: a live VM
        } catch (IOException e) {
            return true;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void start(Runnable inputArrived) {
        acceptor = new Thread(() -> acceptLoop(inputArrived), "serial-socket-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        writer = new Thread(this::writeLoop, "serial-socket-write");
        writer.setDaemon(true);
        writer.start();
    }

    private void acceptLoop(Runnable inputArrived) {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            synchronized (this) {
                closeClient();
                client = c;
                notifyAll();
            }
            readLoop(c, inputArrived);
        }
    }

    private void readLoop(SocketChannel c, Runnable inputArrived) {
        ByteBuffer buf = ByteBuffer.allocate(256);
        try {
            while (!closed) {
                buf.clear();
                int n = c.read(buf);
                if (n < 0) {
                    break;
                }
                if (n > 0 && input.put(buf.array(), 0, n)) {
                    inputArrived.run();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
        synchronized (this) {
            if (client == c) {
                closeClient();
            }
        }
    }

    private void writeLoop() {
        byte[] chunk = new byte[4096];
        while (!closed) {
            SocketChannel c;
            int n;
            synchronized (this) {
                while (!closed && (client == null || ringCount == 0)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                c = client;
                n = Math.min(chunk.length, ringCount);
                for (int i = 0; i < n; i++) {
                    chunk[i] = ring[(ringHead + i) % ring.length];
                }
                ringHead = (ringHead + n) % ring.length;
                ringCount -= n;
            }
            try {
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
                while (b.hasRemaining()) {
                    c.write(b);
                }
            } catch (IOException e) {
                synchronized (this) {
                    if (client == c) {
                        closeClient();
                    }
                }
            }
        }
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // already gone
            }
            client = null;
        }
    }

    @Override
    public void transmit(int b) {
        if (pendingUsed == pending.length) {
            flush();
        }
        pending[pendingUsed++] = (byte) b;
    }

    @Override
    public void flush() {
        if (pendingUsed == 0) {
            return;
        }
        synchronized (this) {
            for (int i = 0; i < pendingUsed; i++) {
                if (ringCount == ring.length) { // nobody reading: the oldest output goes
                    ringHead = (ringHead + 1) % ring.length;
                    ringCount--;
                }
                ring[(ringHead + ringCount) % ring.length] = pending[i];
                ringCount++;
            }
            notifyAll();
        }
        pendingUsed = 0;
    }

    @Override
    public int poll() {
        return input.poll();
    }

    @Override
    public void close() {
        closed = true;
        input.close();
        synchronized (this) {
            closeClient();
            notifyAll();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover socket file is replaced on the next start
        }
    }
}
