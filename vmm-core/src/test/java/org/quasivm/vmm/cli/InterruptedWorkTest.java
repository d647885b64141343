package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGINT to a real CLI process) during a conversion: exit 130 and nothing half-written left. */
class InterruptedWorkTest {

    @TempDir
    Path dir;

    @Test
    void ctrlCDuringAConversionLeavesNothingBehind() throws Exception {
        Path raw = dir.resolve("big.img");
        SplittableRandom random = new SplittableRandom(3);
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Numbers as text: compressible, so one deflate thread needs seconds for 256 MiB.
            while (b.remaining() >= 8) {
                b.put(String.format("%7d ", random.nextInt(10_000_000)).getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < 256; i++) {
                b.clear();
                ch.write(b, (long) i << 20);
            }
        }
        Path out = dir.resolve("out.vmdk");
        Path partial = dir.resolve(".out.vmdk.partial");
        Process p = CliProcess.start(dir.resolve("cli.log"), List.of(), "disk", "convert", raw.toString(),
                out.toString(), "--format", "vmdk", "--subformat", "streamOptimized", "--threads", "1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(partial) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive() && Files.exists(partial), "the conversion is under way: "
                + Files.readString(dir.resolve("cli.log")));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.CANCELLED, p.exitValue(), Files.readString(dir.resolve("cli.log")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("big.img", "cli.log"), s.map(x -> x.getFileName().toString()).sorted().toList());
        }
    }
}
