package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.display.PngScreenshot;

/** {@code quasivm run} on the committed device test guests (custom ROMs), deterministic clock. */
class RunCommandTest {

    @TempDir
    Path home;
    @TempDir
    Path work;

    private static Path guest(String name) {
        return Path.of(System.getProperty("quasivm.repo.root"), "vmm-core/src/test/guests", name + ".bin");
    }

    private String h;

    @BeforeEach
    void setUp() {
        h = home.toString();
    }

    private void create(String vm, String guest) {
        Cli.Result r = Cli.run("create", vm, "--template", "blank", "--bios", guest(guest).toString(),
                "--memory", "16", "--home", h);
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void expectedSerialOutputEndsTheRunWithSuccess() throws Exception {
        create("txt", "vga-text");
        Path log = work.resolve("com1.log");
        Cli.Result r = Cli.run("run", "txt", "--clock", "deterministic", "--serial", "file:" + log,
                "--expect-serial", "(?m)^DONE", "--timeout", "120", "--home", h);
        assertEquals(0, r.code(), r.err());
        String serial = Files.readString(log).replace("\r\n", "\n");
        assertEquals(Files.readString(guest("vga-text").resolveSibling("vga-text.expected")), serial);
        assertTrue(r.err().contains("last POST code:"), r.err());
        assertTrue(Files.readString(home.resolve("txt/logs/vm.log")).contains("executor software, clock deterministic"));
    }

    @Test
    void timeoutWithoutAMatchFailsAndShowsTheLastSerialLines() {
        create("txt", "vga-text");
        Cli.Result r = Cli.run("run", "txt", "--clock", "deterministic", "--serial", "none",
                "--expect-serial", "this never appears", "--timeout", "3", "--home", h);
        assertEquals(ExitCodes.FAILURE, r.code());
        assertTrue(r.err().contains("no match for --expect-serial"), r.err());
        assertTrue(r.err().contains("| DONE"), r.err());
    }

    @Test
    void screenshotIsWrittenWhenTheRunEnds() throws Exception {
        create("txt", "vga-text");
        Path png = work.resolve("screen.png");
        Cli.Result r = Cli.run("run", "txt", "--clock", "deterministic", "--serial", "none",
                "--expect-serial", "(?m)^DONE", "--timeout", "120", "--screenshot", png.toString(), "--home", h);
        assertEquals(0, r.code(), r.err());
        Frame frame = PngScreenshot.read(png);
        assertEquals(720, frame.width());
        assertEquals(400, frame.height());
    }

    @Test
    void deterministicClockRefusesKvm() {
        create("ser", "serial");
        Cli.Result r = Cli.run("run", "ser", "--clock", "deterministic", "--executor", "kvm", "--timeout", "1",
                "--home", h);
        assertEquals(ExitCodes.UNSUPPORTED, r.code());
        assertTrue(r.err().contains("deterministic clock"), r.err());
    }

    @Test
    void badOptionsAreUsageErrors() {
        create("ser", "serial");
        assertEquals(ExitCodes.USAGE, Cli.run("run", "ser", "--serial", "tty", "--home", h).code());
        assertEquals(ExitCodes.USAGE, Cli.run("run", "ser", "--clock", "fast", "--home", h).code());
        assertEquals(ExitCodes.USAGE, Cli.run("run", "ser", "--expect-serial", "(", "--home", h).code());
        assertEquals(ExitCodes.NOT_FOUND, Cli.run("run", "ghost", "--home", h).code());
    }
}
