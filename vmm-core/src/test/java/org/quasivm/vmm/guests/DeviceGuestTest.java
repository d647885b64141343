package org.quasivm.vmm.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.testing.TestTerminal;

/**
 * The device test guest (devices.asm, assembled with nasm at test time) run as the BIOS of both QuasiVM and
 * {@code qemu-system-i386 -accel tcg}: what it prints on COM1 — register values and interrupt-driven measurements
 * of the PIT, RTC, PIC, UART and keyboard controller — must be the same, byte for byte.
 */
class DeviceGuestTest {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final String END = "DONE\r\n";

    @TempDir
    Path dir;

    static Path assemble(Path dir, String name) throws IOException, InterruptedException {
        Path source = dir.resolve(name + ".asm");
        try (InputStream in = DeviceGuestTest.class.getResourceAsStream("/org/quasivm/vmm/guests/" + name + ".asm")) {
            Files.copy(in, source);
        }
        Path rom = dir.resolve(name + ".rom");
        Process nasm = new ProcessBuilder("nasm", "-f", "bin", "-o", rom.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(nasm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (nasm.waitFor() != 0) {
            throw new IOException("nasm failed on " + name + ".asm: " + out);
        }
        return rom;
    }

    static boolean hasTool(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * QEMU as a peer for device behaviour: instruction-counted virtual time at 1 ns per instruction with the RTC on
     * it (like our deterministic clock; QEMU's host-clock timers on a loaded machine lose ticks and cannot judge
     * rates), and a CPU without a local APIC like ours (QEMU's APIC comes out of reset with LINT0 masked, so the
     * 8259 could not interrupt it before firmware set up virtual wire mode).
     */
    static String onQemu(Path rom) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-system-i386", "-accel", "tcg", "-icount", "shift=0,sleep=off",
                "-rtc", "clock=vm", "-cpu", "qemu32,-apic", "-bios", rom.toString(), "-m", "32",
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream in = p.getInputStream()) {
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[1024];
            long deadline = System.nanoTime() + LIMIT.toNanos();
            int n;
            while (seen.indexOf(END) < 0 && System.nanoTime() < deadline && (n = in.read(buf)) > 0) {
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            return seen.toString();
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    static String onQuasi(Path rom, ClockMode mode) throws Exception {
        TestTerminal terminal = new TestTerminal();
        BoardConfig config = BoardConfig.builder(32 << 20, FirmwareImages.customRom(rom, null)).clock(mode)
                .com1(terminal).build();
        try (Machine m = Machine.create(config, SoftwareExecutor::new, "device-guest")) {
            m.start();
            assertNotNull(terminal.transcript.awaitMatch(Pattern.compile(END), 0, LIMIT),
                    "guest did not finish: " + terminal.transcript.text());
            return terminal.transcript.text();
        }
    }

    @Test
    void devicesAnswerAsQemusDo() throws Exception {
        assumeTrue(hasTool("nasm") && hasTool("qemu-system-i386"), "nasm and qemu-system-x86 are needed");
        Path rom = assemble(dir, "devices");
        String qemu = onQemu(rom);
        String quasi = onQuasi(rom, ClockMode.DETERMINISTIC);
        assertEquals(qemu, quasi);
        assertTrue(!quasi.contains("FAIL"), quasi);
    }
}
