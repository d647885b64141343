package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Platform;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.vga.VgaPlug;
import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.testing.TestTerminal;

/** A test guest running as the firmware of a fresh machine with a VGA, its COM1 on a test terminal. */
final class GuestRun implements AutoCloseable {

    private final Duration limit;
    final TestTerminal terminal = new TestTerminal();
    final VgaPlug vga = new VgaPlug(16, null);
    final Machine machine;

    GuestRun(TestGuest guest, ClockMode clock, Function<Platform, Executor> executor, Duration limit)
            throws Exception {
        this.limit = limit;
        BoardConfig config = BoardConfig.builder(16 << 20, FirmwareImages.customRom(guest.rom(), null))
                .clock(clock).com1(terminal).plug(vga).build();
        machine = Machine.create(config, executor, "guest-" + guest.stem());
        machine.start();
    }

    void awaitLine(String line) throws InterruptedException {
        assertNotNull(terminal.transcript.awaitMatch(Pattern.compile("(?m)^" + Pattern.quote(line) + "\r?$"), 0,
                limit), "no line '" + line + "' on " + machine.executorName() + "; the guest printed:\n" + serial());
    }

    String awaitDone() throws InterruptedException {
        awaitLine("DONE");
        return serial();
    }

    /** The serial transcript with LF line endings, as the .expected files hold it. */
    String serial() {
        return terminal.transcript.text().replace("\r\n", "\n");
    }

    Screen screen() throws Exception {
        Frame f = machine.inspect(b -> {
            vga.renderer().refresh();
            return vga.renderer().frame().copy();
        }).get(1, TimeUnit.MINUTES);
        return new Screen(f.width(), f.height(), f.pixels().clone());
    }

    @Override
    public void close() {
        machine.close();
    }
}
