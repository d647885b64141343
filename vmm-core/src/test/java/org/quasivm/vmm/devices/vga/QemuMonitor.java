package org.quasivm.vmm.devices.vga;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.display.PpmImage;

/** A {@code qemu-system-i386} process driven through its human monitor on a Unix socket. For peer comparisons. */
final class QemuMonitor implements AutoCloseable {

    static final String QEMU = "qemu-system-i386";

    private final Process process;
    private final SocketChannel channel;

    private QemuMonitor(Process process, SocketChannel channel) {
        this.process = process;
        this.channel = channel;
    }

    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, QEMU))) {
                return true;
            }
        }
        return false;
    }

    /** Starts QEMU with {@code args} after the monitor options and connects to the monitor. */
    static QemuMonitor start(Path dir, String... args) throws IOException, InterruptedException {
        Path socket = dir.resolve("monitor.sock");
        List<String> command = new ArrayList<>(List.of(QEMU, "-monitor", "unix:" + socket + ",server,nowait"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile()).start();
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        QemuMonitor monitor = new QemuMonitor(process, channel);
        monitor.readUntilPrompt();
        return monitor;
    }

    /** Runs a monitor command and returns its output (up to the next prompt). */
    String command(String line) throws IOException {
        channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
        return readUntilPrompt();
    }

    private String readUntilPrompt() throws IOException {
        StringBuilder out = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (!out.toString().endsWith("(qemu) ")) {
            buffer.clear();
            if (channel.read(buffer) < 0) {
                throw new IOException("QEMU monitor closed: " + out);
            }
            out.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
        }
        return out.toString();
    }

    /** Guest-physical memory, through {@code pmemsave} into a file in {@code dir}. */
    byte[] physicalMemory(Path dir, long address, int length) throws IOException, InterruptedException {
        Path file = dir.resolve("pmem-" + Long.toHexString(address) + ".bin");
        Files.deleteIfExists(file);
        command("pmemsave 0x" + Long.toHexString(address) + " " + length + " \"" + file + "\"");
        for (int i = 0; i < 100 && (!Files.exists(file) || Files.size(file) < length); i++) {
            Thread.sleep(20);
        }
        return Files.readAllBytes(file);
    }

    /** QEMU's video memory (first 256 KiB) and screen once SeaBIOS has printed its boot messages. */
    record PostScreen(byte[] vram, Frame screen) {
    }

    /** Runs SeaBIOS with QEMU's standard VGA and no disks until it reports booting, then captures the screen. */
    static PostScreen seaBiosPostScreen(Path dir) throws IOException, InterruptedException {
        try (QemuMonitor monitor = start(dir, "-accel", "tcg", "-m", "32", "-display", "none", "-nodefaults",
                "-vga", "std", "-serial", "none", "-no-reboot")) {
            long lfb = -1;
            for (int i = 0; i < 300 && lfb < 0; i++) { // until SeaBIOS has placed the BARs
                lfb = framebufferAddress(monitor.command("info pci"));
                Thread.sleep(lfb < 0 ? 50 : 0);
            }
            if (lfb < 0) {
                throw new IOException("SeaBIOS never placed the VGA's BAR 0");
            }
            for (int i = 0; i < 300; i++) {
                if (screenText(monitor.physicalMemory(dir, lfb, 0x40000)).contains("Booting from")) {
                    break;
                }
                Thread.sleep(100);
            }
            monitor.command("stop");
            byte[] vram = monitor.physicalMemory(dir, lfb, 0x40000);
            monitor.command("screendump \"" + dir.resolve("qemu.ppm") + "\"");
            return new PostScreen(vram, PpmImage.read(dir.resolve("qemu.ppm")));
        }
    }

    /** BAR 0 of the 1234:1111 function in {@code info pci}, or -1 while it is unassigned. */
    private static long framebufferAddress(String infoPci) throws IOException {
        Matcher m = Pattern.compile("1234:1111[\\s\\S]*?BAR0: 32 bit prefetchable memory at 0x([0-9a-f]+)")
                .matcher(infoPci);
        if (!m.find()) {
            throw new IOException("no standard VGA in QEMU's info pci: " + infoPci);
        }
        long address = Long.parseUnsignedLong(m.group(1), 16);
        return address == 0 || address >= 1L << 32 ? -1 : address;
    }

    /** The characters of QEMU's 80×25 text screen (its VGA keeps character i at byte 4i). */
    static String screenText(byte[] vram) {
        byte[] text = new byte[80 * 25];
        for (int i = 0; i < text.length; i++) {
            text[i] = vram[i * 4];
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            command("quit");
        } catch (IOException ignored) {
            // it is going away anyway
        }
        channel.close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
