package org.quasivm.vmm.testguests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a test guest ROM under {@code qemu-system-i386 -accel tcg}, the peer QuasiVM's devices are judged against.
 * COM1 is the process's standard input and output; QMP (the machine protocol behind HMP's {@code sendkey} and
 * {@code screendump}) is on a Unix socket in the work directory. Captured screens are QEMU's PPM screendumps.
 */
final class QemuPeer implements AutoCloseable {

    /** How guest time relates to the host. */
    enum Timing {
        /**
         * {@code -icount shift=5,sleep=off} with the RTC on the virtual clock: guest time is 32 ns per executed
         * instruction and jumps to the next timer when the CPU halts, so timer counts are the same on an idle or an
         * overloaded host. (Without it, QEMU on a busy host drops PIT and RTC ticks.)
         */
        INSTRUCTION_COUNTED(List.of("-icount", "shift=5,sleep=off", "-rtc", "base=2024-01-01T00:00:00,clock=vm")),
        /** Guest time follows the host clock: QEMU's default. */
        HOST(List.of());

        private final List<String> options;

        Timing(List<String> options) {
            this.options = options;
        }
    }

    static final String EXECUTABLE = System.getProperty("quasivm.qemu", "qemu-system-i386");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration QMP_CONNECT = Duration.ofSeconds(20);

    private final Process process;
    private final Path workDir;
    private final Path qmpSocket;
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Object lock = new Object();
    private boolean serialClosed;
    private SocketChannel qmp;
    private BufferedReader qmpIn;
    private OutputStream qmpOut;
    private int screendumps;

    private QemuPeer(Process process, Path workDir, Path qmpSocket) {
        this.process = process;
        this.workDir = workDir;
        this.qmpSocket = qmpSocket;
        Thread out = new Thread(() -> pump(process.getInputStream(), serial, true), "qemu-serial");
        Thread err = new Thread(() -> pump(process.getErrorStream(), stderr, false), "qemu-stderr");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /** The command line: a PC (i440FX/PIIX3) with 16 MiB, the ROM as its firmware, standard VGA and COM1 only. */
    static List<String> command(Path rom, Timing timing, Path qmpSocket) {
        List<String> cmd = new ArrayList<>(List.of(EXECUTABLE,
                "-accel", "tcg", "-M", "pc", "-m", "16", "-nodefaults",
                "-bios", rom.toString(),
                "-display", "none", "-vga", "std",
                "-serial", "stdio",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off",
                "-no-reboot"));
        cmd.addAll(timing.options);
        return cmd;
    }

    static QemuPeer start(Path rom, Timing timing, Path workDir) {
        Path socket = workDir.resolve("qmp.sock").toAbsolutePath();
        if (socket.toString().length() > 100) {       // sun_path holds 108 bytes
            throw new IllegalArgumentException("work directory path too long for a Unix socket: " + workDir);
        }
        List<String> cmd = command(rom, timing, socket);
        try {
            return new QemuPeer(new ProcessBuilder(cmd).start(), workDir, socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + EXECUTABLE
                    + " (Debian package qemu-system-x86; scripts/test installs it): " + e.getMessage(), e);
        }
    }

    private void pump(InputStream in, ByteArrayOutputStream sink, boolean isSerial) {
        byte[] buffer = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (lock) {
                    sink.write(buffer, 0, n);
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away; what was read stays
        } finally {
            if (isSerial) {
                synchronized (lock) {
                    serialClosed = true;
                    lock.notifyAll();
                }
            }
        }
    }

    /** The serial output so far, with CR LF turned into LF. */
    String serial() {
        synchronized (lock) {
            return serial.toString(StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        }
    }

    /** Waits for a complete serial line containing {@code fragment}; returns that line. */
    String awaitLine(String fragment, Duration timeout) {
        return awaitLine(line -> line.contains(fragment), "a serial line with \"" + fragment + "\"", timeout);
    }

    /** Waits for the guest's final line, DONE; returns all serial output. */
    String awaitDone(Duration timeout) {
        awaitLine(line -> line.equals("DONE"), "the line DONE", timeout);
        return serial();
    }

    private String awaitLine(Predicate<String> wanted, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                String[] lines = serial().split("\n", -1);
                for (int i = 0; i < lines.length - 1; i++) {     // the last element is an unfinished line
                    if (wanted.test(lines[i])) {
                        return lines[i];
                    }
                }
                long left = deadline - System.nanoTime();
                if (serialClosed || left <= 0) {
                    throw new AssertionError((serialClosed ? "QEMU ended" : "timed out after " + timeout)
                            + " waiting for " + what + "\n" + diagnostics());
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Bytes into COM1's receiver. */
    void sendSerial(String text) {
        try {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.ISO_8859_1));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Presses the keys together and releases them in reverse order, as HMP {@code sendkey a-b} does (same QEMU
     * function); names are QEMU qcodes ("q", "shift", "up", "ret").
     */
    void sendKeys(String... qcodes) {
        ObjectNode arguments = JSON.createObjectNode();
        var keys = arguments.putArray("keys");
        for (String code : qcodes) {
            keys.addObject().put("type", "qcode").put("data", code);
        }
        execute("send-key", arguments);
    }

    /** QEMU's screendump of the VGA console (what its display would show now). */
    Screen screendump() {
        Path file = workDir.resolve("screendump-" + screendumps++ + ".ppm");
        ObjectNode arguments = JSON.createObjectNode().put("filename", file.toString());
        execute("screendump", arguments);
        return Screen.readPpm(file);
    }

    private JsonNode execute(String command, ObjectNode arguments) {
        try {
            connectQmp();
            ObjectNode request = JSON.createObjectNode().put("execute", command);
            if (arguments != null) {
                request.set("arguments", arguments);
            }
            qmpOut.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            qmpOut.flush();
            JsonNode reply = readReply();
            if (reply.has("error")) {
                throw new AssertionError("QMP " + command + " failed: " + reply.get("error") + "\n" + diagnostics());
            }
            return reply.get("return");
        } catch (IOException e) {
            throw new AssertionError("QMP " + command + ": " + e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    private void connectQmp() throws IOException {
        if (qmp != null) {
            return;
        }
        long deadline = System.nanoTime() + QMP_CONNECT.toNanos();
        while (true) {
            try {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(qmpSocket));
                qmp = channel;
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IOException("cannot connect to QMP at " + qmpSocket + ": " + e.getMessage(), e);
                }
                sleepQuietly(20);
            }
        }
        qmpIn = new BufferedReader(new InputStreamReader(Channels.newInputStream(qmp), StandardCharsets.UTF_8));
        qmpOut = Channels.newOutputStream(qmp);
        JsonNode greeting = JSON.readTree(qmpIn.readLine());
        if (greeting == null || !greeting.has("QMP")) {
            throw new IOException("no QMP greeting: " + greeting);
        }
        qmpOut.write("{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8));
        qmpOut.flush();
        readReply();
    }

    /** The next reply, skipping asynchronous events. */
    private JsonNode readReply() throws IOException {
        while (true) {
            String line = qmpIn.readLine();
            if (line == null) {
                throw new IOException("QMP connection closed");
            }
            JsonNode message = JSON.readTree(line);
            if (!message.has("event")) {
                return message;
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last 40 serial lines and QEMU's standard error, for failure messages. */
    String diagnostics() {
        String text = serial();
        List<String> lines = Arrays.asList(text.split("\n", -1));
        List<String> tail = lines.subList(Math.max(0, lines.size() - 40), lines.size());
        String err;
        synchronized (lock) {
            err = stderr.toString(StandardCharsets.UTF_8);
        }
        return "--- last serial lines ---\n" + String.join("\n", tail) + "\n--- qemu stderr ---\n" + err;
    }

    @Override
    public void close() {
        // The guest has halted for good (or failed): nothing is left to save, so QEMU is simply terminated.
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            if (qmp != null) {
                qmp.close();
            }
            Files.deleteIfExists(qmpSocket);
        } catch (IOException e) {
            // best effort: the work directory is temporary
        }
    }
}
