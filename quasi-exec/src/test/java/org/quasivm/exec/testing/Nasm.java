package org.quasivm.exec.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a test guest (a resource under src/test/resources, e.g. {@code kvm-guests/hello.asm}) with nasm (Debian
 * package nasm) into target/.
 */
public final class Nasm {

    private Nasm() {
    }

    public static byte[] assemble(String resource) {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-guests"));
            Path source = dir.resolve(name);
            try (InputStream in = Nasm.class.getResourceAsStream("/" + resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no test guest " + resource);
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
