package org.quasivm.templates.assets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The guest material judged by a peer: the kernel and initramfs the builder makes from Debian packages boot to the
 * busybox shell under QEMU (TCG), and the shell answers. If this fails, the assets are wrong, not our machine.
 */
class LinuxGuestUnderQemuTest {

    @Test
    void debianKernelWithBusyboxInitramfsReachesAShellUnderQemu() throws Exception {
        LinuxGuest guest = new GuestAssetBuilder(CacheDirectory.resolve(), System.err::println).linuxBusybox();
        assertTrue(Files.size(guest.kernel()) > 1_000_000);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-i386", "-accel", "tcg", "-m", "256",
                "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-kernel", guest.kernel().toString(), "-initrd", guest.initrd().toString(),
                "-append", "console=ttyS0 panic=-1 quiet"));
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            StringBuilder out = new StringBuilder();
            InputStream in = qemu.getInputStream();
            waitFor(in, out, guest.readyLine() + ", kernel " + guest.kernelRelease(), 240);
            waitFor(in, out, guest.prompt(), 60);
            OutputStream keys = qemu.getOutputStream();
            keys.write("cat /proc/mounts; echo sum=$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            waitFor(in, out, "sum=42", 60);
            assertTrue(out.toString().contains("proc /proc proc"), out.toString());
            assertTrue(out.toString().contains("sysfs /sys sysfs"), out.toString());
        } finally {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void waitFor(InputStream in, StringBuilder out, String text, int seconds) throws Exception {
        SerialWait.waitFor(in, out, text, seconds);
    }
}
