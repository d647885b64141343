package org.quasivm.vmm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.quasivm.templates.assets.LinuxGuest;

/**
 * The peer for direct Linux boots: {@code qemu-system-i386 -accel tcg} boots a kernel and initramfs with COM1 on
 * its standard input and output, and the kernel log ({@code dmesg} typed at the busybox prompt) is read back. The
 * boot runs on its own thread, so a test can boot QuasiVM meanwhile.
 */
public final class QemuLinuxBoot {

    private QemuLinuxBoot() {
    }

    /**
     * Boots {@code guest} with {@code commandLine} and {@code memoryMib} under QEMU TCG and completes with what
     * {@code dmesg} printed; completes exceptionally (with what the guest printed) if that takes over {@code limit}.
     */
    public static CompletableFuture<String> dmesg(LinuxGuest guest, String commandLine, int memoryMib,
                                                  Duration limit) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(run(guest, commandLine, memoryMib, limit));
            } catch (Exception | AssertionError e) {
                result.completeExceptionally(e);
            }
        }, "qemu-linux-boot");
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static String run(LinuxGuest guest, String commandLine, int memoryMib, Duration limit)
            throws IOException, InterruptedException {
        List<String> command = List.of("qemu-system-i386", "-accel", "tcg", "-m", String.valueOf(memoryMib),
                "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-kernel", guest.kernel().toString(), "-initrd", guest.initrd().toString(), "-append", commandLine);
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + limit.toNanos();
        try (InputStream in = qemu.getInputStream(); OutputStream keys = qemu.getOutputStream()) {
            StringBuilder out = new StringBuilder();
            int prompt = await(in, out, 0, DebianGuests.PROMPT, deadline);
            keys.write("dmesg; echo @@''END\n".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            int end = await(in, out, prompt, "\n@@END", deadline);
            String answer = out.substring(prompt, end);
            return answer.substring(answer.indexOf('\n') + 1).replace("\r\n", "\n");
        } finally {
            qemu.destroy();
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
            }
        }
    }

    /** Reads until {@code text} appears at or after {@code from}; returns the index just past it. */
    private static int await(InputStream in, StringBuilder out, int from, String text, long deadline)
            throws IOException, InterruptedException {
        byte[] buf = new byte[8192];
        while (true) {
            int at = out.indexOf(text, from);
            if (at >= 0) {
                return at + text.length();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("QEMU: no '" + text.strip() + "' in time; the guest printed:\n"
                        + out.substring(Math.max(0, out.length() - 4000)));
            }
            if (in.available() > 0) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new AssertionError("QEMU ended; it printed:\n" + out);
                }
                out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            } else {
                Thread.sleep(20);
            }
        }
    }
}
