package org.quasivm.exec.fpu;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The host's own x87 as a test oracle: src/test/c/x87oracle.c, compiled with gcc into target/ and fed batches of
 * records over a pipe (the protocol is described in the C file). Needs gcc and an x86-64 Linux host; anything else
 * fails the test with a clear message rather than skipping it.
 */
final class X87Oracle implements AutoCloseable {

    static final int MAGIC = 0x5137384F;
    static final int COMPACT = 0;
    static final int FULL = 1;
    static final int COMPACT_SIZE = 48;
    static final int FULL_SIZE = 628;

    private final Process process;
    private final OutputStream toOracle;
    private final InputStream fromOracle;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> daemon(r, "x87oracle-writer"));
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> daemon(r, "x87oracle-reader"));

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private X87Oracle(Process process) {
        this.process = process;
        this.toOracle = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        this.fromOracle = new BufferedInputStream(process.getInputStream(), 1 << 16);
    }

    static X87Oracle start() throws IOException, InterruptedException {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("the x87 oracle needs an x86-64 Linux host, not "
                    + System.getProperty("os.name") + "/" + arch);
        }
        Path module = Path.of("").toAbsolutePath();
        Path source = module.resolve("src/test/c/x87oracle.c");
        Path binary = module.resolve("target/x87oracle");
        Files.createDirectories(binary.getParent());
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("gcc is needed to build the x87 oracle (apt-get install gcc): "
                    + e.getMessage(), e);
        }
        String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc failed to build " + source + ":\n" + log);
        }
        Process p = new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new X87Oracle(p);
    }

    /**
     * Sends {@code count} records of a kind; the oracle computes while the caller works, and
     * {@link Pending#replies()} returns its answers (same record size).
     */
    Pending submit(int kind, byte[] records, int count) {
        int size = kind == COMPACT ? COMPACT_SIZE : FULL_SIZE;
        Future<?> sent = writer.submit(() -> {
            ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(MAGIC).putInt(kind).putInt(count);
            toOracle.write(header.array());
            toOracle.write(records, 0, count * size);
            toOracle.flush();
            return null;
        });
        Future<byte[]> received = reader.submit(() -> {
            byte[] replies = new byte[count * size];
            readFully(fromOracle, replies);
            return replies;
        });
        return () -> {
            sent.get();
            return received.get();
        };
    }

    interface Pending {
        byte[] replies() throws Exception;
    }

    private static void readFully(InputStream in, byte[] buffer) throws IOException {
        int n = 0;
        while (n < buffer.length) {
            int r = in.read(buffer, n, buffer.length - n);
            if (r < 0) {
                throw new IOException("x87 oracle ended early");
            }
            n += r;
        }
    }

    @Override
    public void close() throws Exception {
        toOracle.close();
        writer.shutdownNow();
        reader.shutdownNow();
        process.waitFor();
    }
}
