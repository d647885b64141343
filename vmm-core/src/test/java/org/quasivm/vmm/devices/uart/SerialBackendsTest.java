package org.quasivm.vmm.devices.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialBackendsTest {

    @TempDir
    Path dir;

    @Test
    void fileBackendWritesWhatTheGuestSent() throws IOException {
        Path log = dir.resolve("serial.log");
        FileSerialBackend b = new FileSerialBackend(log);
        for (byte c : "boot\n".getBytes(StandardCharsets.US_ASCII)) {
            b.transmit(c);
        }
        b.flush();
        assertEquals("boot\n", Files.readString(log));
        b.close();
    }

    @Test
    void fileBackendNamesTheFileItCannotOpen() {
        IOException e = assertThrows(IOException.class,
                () -> new FileSerialBackend(dir.resolve("missing/dir/serial.log")));
        assertTrue(e.getMessage().contains("serial.log"), e.getMessage());
    }

    @Test
    void stdioBackendDeliversInputAndSurvivesEndOfInput() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdioSerialBackend b = new StdioSerialBackend(new ByteArrayInputStream("ls\n".getBytes()), out);
        CountDownLatch arrived = new CountDownLatch(1);
        b.start(arrived::countDown);
        assertTrue(arrived.await(5, TimeUnit.SECONDS));
        StringBuilder got = new StringBuilder();
        long until = System.nanoTime() + 5_000_000_000L;
        while (got.length() < 3 && System.nanoTime() < until) {
            int c = b.poll();
            if (c >= 0) {
                got.append((char) c);
            } else {
                Thread.sleep(1);
            }
        }
        assertEquals("ls\n", got.toString());
        b.transmit('$');
        b.flush();
        assertEquals("$", out.toString());
        b.close();
    }

    @Test
    void socketBackendTalksToAnAttachedClient() throws Exception {
        Path sock = dir.resolve("com1.sock");
        UnixSocketSerialBackend b = new UnixSocketSerialBackend(sock);
        CountDownLatch arrived = new CountDownLatch(1);
        b.start(arrived::countDown);
        for (byte c : "early".getBytes()) {
            b.transmit(c); // before anyone attached: kept
        }
        b.flush();
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(sock));
            ByteBuffer buf = ByteBuffer.allocate(16);
            long until = System.nanoTime() + 5_000_000_000L;
            while (buf.position() < 5 && System.nanoTime() < until) {
                c.read(buf);
            }
            assertEquals("early", new String(buf.array(), 0, buf.position()));
            c.write(ByteBuffer.wrap("k".getBytes()));
            assertTrue(arrived.await(5, TimeUnit.SECONDS));
            assertEquals('k', b.poll());
        }
        b.close();
        assertTrue(Files.notExists(sock));
    }

    @Test
    void staleSocketFileIsReplaced() throws IOException {
        Path sock = dir.resolve("stale.sock");
        // a crashed VM: its listener is gone but the socket file stays behind
        try (java.nio.channels.ServerSocketChannel dead =
                     java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock));
        UnixSocketSerialBackend b = new UnixSocketSerialBackend(sock);
        b.close();
    }

    @Test
    void liveSocketIsNotStolen() throws IOException {
        Path sock = dir.resolve("live.sock");
        UnixSocketSerialBackend first = new UnixSocketSerialBackend(sock);
        first.start(() -> { });
        IOException e = assertThrows(IOException.class, () -> new UnixSocketSerialBackend(sock));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        first.close();
    }

    @Test
    void transcriptFindsPatternsAndKeepsLastLines() throws InterruptedException {
        SerialTranscript t = new SerialTranscript(1 << 16);
        TeeSerialBackend tee = new TeeSerialBackend(new NullSerialBackend(), t);
        for (byte c : "Linux version 6.1\r\n/ # ".getBytes()) {
            tee.transmit(c);
        }
        assertNull(t.awaitMatch(Pattern.compile("/ #"), 0, Duration.ofMillis(10)));
        tee.flush();
        assertEquals("/ #", t.awaitMatch(Pattern.compile("/ #"), 0, Duration.ofMillis(10)));
        assertEquals(List.of("Linux version 6.1", "/ # "), t.lastLines(40));
        long mark = t.length();
        assertNull(t.awaitMatch(Pattern.compile("Linux"), mark, Duration.ofMillis(10)));
    }

    @Test
    void transcriptKeepsOnlyItsCapacity() {
        SerialTranscript t = new SerialTranscript(4);
        t.append("abcdefgh".getBytes(), 0, 8);
        assertEquals("efgh", t.text());
        assertEquals(8, t.length());
    }
}
