package org.quasivm.exec.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Assembles test snippets with NASM ({@code nasm -f bin}); NASM is a test dependency (Debian package nasm). */
final class Nasm {
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private Nasm() {
    }

    static byte[] assemble(String source) {
        return CACHE.computeIfAbsent(source, Nasm::run);
    }

    private static byte[] run(String source) {
        try {
            Path dir = Files.createTempDirectory("quasivm-nasm");
            try {
                Path in = dir.resolve("t.asm");
                Path out = dir.resolve("t.bin");
                Files.writeString(in, source, StandardCharsets.UTF_8);
                Process p = new ProcessBuilder("nasm", "-f", "bin", "-o", out.toString(), in.toString())
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("nasm failed:\n" + log + "\n--- source ---\n" + source);
                }
                return Files.readAllBytes(out);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run nasm (install the Debian package nasm): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
