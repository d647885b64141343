package org.quasivm.exec.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Assembles a test guest from src/test/resources/kvm-guests with nasm (Debian package nasm) into target/. */
final class Nasm {

    private Nasm() {
    }

    static byte[] assemble(String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "kvm-guests"));
            Path source = dir.resolve(name);
            try (InputStream in = Nasm.class.getResourceAsStream("/kvm-guests/" + name)) {
                if (in == null) {
                    throw new IllegalArgumentException("no test guest " + name);
                }
                Files.write(source, in.readAllBytes());
            }
            Path binary = dir.resolve(name.replace(".asm", ".bin"));
            Process p = new ProcessBuilder("nasm", "-f", "bin", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("nasm failed on " + name + ": " + output);
            }
            return Files.readAllBytes(binary);
        } catch (IOException e) {
            throw new IllegalStateException("cannot assemble " + name + " (is nasm installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
