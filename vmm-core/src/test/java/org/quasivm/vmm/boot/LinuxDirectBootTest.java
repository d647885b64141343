package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.templates.assets.LinuxGuest;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.testing.DebianGuests;
import org.quasivm.vmm.testing.QemuLinuxBoot;
import org.quasivm.vmm.testing.TestTerminal;

/**
 * Debian's i686 kernel booted directly (no BIOS) with the busybox initramfs on the software CPU, deterministic
 * clock: it reaches a shell on COM1, answers commands typed over the serial line, found the board's devices, and
 * complains of nothing QEMU's TCG does not complain of too when it boots the same kernel, initramfs and command line
 * (booted at the same time on another thread). One boot serves the whole class.
 */
class LinuxDirectBootTest {

    static final String COMMAND_LINE = "console=ttyS0 panic=-1";
    private static final Duration BOOT = Duration.ofMinutes(15);
    private static final Duration COMMAND = Duration.ofMinutes(3);
    private static final Duration QEMU_LIMIT = Duration.ofMinutes(10);
    private static final int MEMORY_MIB = 256;
    /** Kernel log lines that say something went wrong; they are compared with QEMU's. */
    private static final Pattern COMPLAINT = Pattern.compile("(?i)warning|error|fail");
    /** The kernel log's time stamp, which differs between any two machines. */
    private static final Pattern STAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\] ");
    private static LinuxGuest guest;
    private static CompletableFuture<String> qemuDmesg;
    private static TestTerminal terminal;
    private static Machine machine;
    private static String dmesg;

    @BeforeAll
    static void boot() throws Exception {
        guest = DebianGuests.linux();
        qemuDmesg = QemuLinuxBoot.dmesg(guest, COMMAND_LINE, MEMORY_MIB, QEMU_LIMIT);
        terminal = new TestTerminal();
        BoardConfig config = BoardConfig.builder((long) MEMORY_MIB << 20,
                FirmwareImages.linux(guest.kernel(), guest.initrd(), COMMAND_LINE))
                .clock(ClockMode.DETERMINISTIC).com1(terminal).build();
        machine = Machine.create(config, SoftwareExecutor::new, "linux-direct");
        machine.start();
        assertNotNull(terminal.transcript.awaitMatch(Pattern.compile(Pattern.quote(DebianGuests.PROMPT)), 0, BOOT),
                "no shell prompt; last lines:\n" + String.join("\n", terminal.transcript.lastLines(40)));
        dmesg = run("dmesg");
    }

    @AfterAll
    static void powerOff() throws Exception {
        if (machine != null) {
            machine.close();
        }
    }

    /** Types {@code command}, returns what it printed before the next prompt. */
    static String run(String command) throws Exception {
        long mark = terminal.transcript.length();
        terminal.type(command + "\n");
        Pattern done = Pattern.compile("(?s)" + Pattern.quote(command) + "\r?\n(.*?)" + Pattern.quote(
                DebianGuests.PROMPT));
        String out = terminal.transcript.awaitMatch(done, mark, COMMAND);
        assertNotNull(out, "no answer to " + command + "; last lines:\n"
                + String.join("\n", terminal.transcript.lastLines(40)));
        Matcher m = done.matcher(out);
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void unameReportsTheDebianKernel() throws Exception {
        String uname = run("uname -a");
        assertTrue(uname.startsWith("Linux quasivm " + guest.kernelRelease() + " "), uname);
        assertTrue(uname.contains("i686"), uname);
    }

    private static Map<String, Long> interrupts() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+):\\s+(\\d+)\\s+XT-PIC\\s+(\\S+)").matcher(run("cat /proc/interrupts"));
        while (m.find()) {
            counts.put(m.group(3), Long.parseLong(m.group(2)));
        }
        return counts;
    }

    @Test
    void timerAndSerialInterruptsCount() throws Exception {
        Map<String, Long> first = interrupts();
        Map<String, Long> second = interrupts();
        assertTrue(second.get("timer") > first.get("timer"), first + " then " + second);
        assertTrue(second.get("ttyS0") > first.get("ttyS0"), first + " then " + second);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A",
        "serio: i8042 KBD port at 0x60,0x64 irq 1",
        "serio: i8042 AUX port at 0x60,0x64 irq 12",
        "rtc_cmos rtc_cmos: registered as rtc0",
        "rtc_cmos rtc_cmos: setting system clock to 2024-01-01T",
        "tsc: Fast TSC calibration using PIT",
        "clocksource: Switched to clocksource tsc",
        "PCI host bridge to bus 0000:00",
        "pci 0000:00:00.0: [8086:1237] type 00 class 0x060000",
        "pci 0000:00:01.0: [8086:7000] type 00 class 0x060100",
        "pci 0000:00:01.3: [8086:7113] type 00 class 0x068000",
        "Run /init as init process"})
    void kernelFoundTheBoardsDevices(String line) {
        assertTrue(dmesg.contains(line), "dmesg lacks \"" + line + "\"");
    }

    @Test
    void noOopsPanicOrKernelWarning() {
        for (String bad : List.of("Oops", "BUG:", "WARNING:", "Kernel panic", "Call Trace", "general protection")) {
            assertTrue(!dmesg.contains(bad), "dmesg has \"" + bad + "\":\n" + dmesg);
        }
    }

    @Test
    void shellAnswersOverTheSerialLine() throws Exception {
        assertEquals("42", run("echo $((6 * 7))").strip());
    }

    /** The lines of a kernel log that complain, without their time stamps. */
    private static Set<String> complaints(String log) {
        Set<String> lines = new LinkedHashSet<>();
        for (String line : log.split("\r?\n")) {
            String text = STAMP.matcher(line).replaceFirst("").strip();
            if (COMPLAINT.matcher(text.toLowerCase(Locale.ROOT)).find()) {
                lines.add(text);
            }
        }
        return lines;
    }

    @Test
    void everyKernelComplaintAlsoAppearsUnderQemu() throws Exception {
        String qemu = qemuDmesg.get(QEMU_LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(qemu.contains("Run /init as init process"), "not QEMU's kernel log:\n" + qemu);
        Set<String> ours = complaints(dmesg);
        System.out.println("kernel lines with warning/error/fail: " + ours.size() + " here, "
                + complaints(qemu).size() + " under QEMU");
        Set<String> extra = new LinkedHashSet<>(ours);
        extra.removeAll(complaints(qemu));
        assertTrue(extra.isEmpty(), "kernel lines with warning/error/fail that QEMU TCG does not print:\n"
                + String.join("\n", extra));
    }
}
