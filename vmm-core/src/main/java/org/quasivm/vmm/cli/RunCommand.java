package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.config.ExecutorChoice;
import org.quasivm.vmm.config.SerialPort;
import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.devices.uart.SerialTranscript;
import org.quasivm.vmm.devices.uart.TeeSerialBackend;
import org.quasivm.vmm.display.Frame;
import org.quasivm.vmm.display.PngScreenshot;
import org.quasivm.vmm.launch.DefinitionBoard;
import org.quasivm.vmm.launch.ExecutorSelection;
import org.quasivm.vmm.launch.LaunchException;
import org.quasivm.vmm.launch.VmLog;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.machine.StopReason;
import org.quasivm.vmm.registry.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Runs a VM in the foreground until the guest powers off, the --timeout passes, --expect-serial matches, "
                    + "or Ctrl-C. The VM's log (firmware output, POST codes) goes to logs/vm.log in its directory; "
                    + "the last POST code is printed when the run ends.",
            "",
            "With --expect-serial the exit code is 0 as soon as the guest's COM1 output matches, and 1 with the "
                    + "last 40 serial lines when --timeout passes first. SIGUSR1 writes the --screenshot at once."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm run demo --serial stdio",
            "  quasivm run demo --clock deterministic --expect-serial 'quasivm:/# ' --timeout 600",
            "  quasivm run dos1 --screenshot screen.png --timeout 30"})
final class RunCommand extends VmCommand implements Callable<Integer> {

    private static final int TRANSCRIPT_BYTES = 4 << 20;

    @Parameters(index = "0", paramLabel = "VM")
    String name;

    @Option(names = "--headless", description = "Run without a display window (the only mode until the console "
            + "opens VM windows).")
    boolean headless;

    @Option(names = "--serial", paramLabel = "stdio|none|file:PATH|socket:PATH",
            description = "Where COM1 goes for this run (default: the definition's). stdio: guest output to "
                    + "standard output as it comes; the end of standard input does not stop the VM.")
    String serial;

    @Option(names = "--executor", paramLabel = "auto|software|kvm", description = "Override cpu.executor.")
    String executor;

    @Option(names = "--clock", paramLabel = "realtime|deterministic", description = "Override clock.")
    String clock;

    @Option(names = "--screenshot", paramLabel = "FILE.png",
            description = "Write the screen to this PNG when the run ends (and on SIGUSR1).")
    Path screenshot;

    @Option(names = "--expect-serial", paramLabel = "REGEX",
            description = "Succeed as soon as COM1 output matches this regular expression.")
    String expectSerial;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the VM after this long.")
    Double timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Pattern expect = compile(expectSerial);
        if (timeoutSeconds != null && !(timeoutSeconds > 0)) {
            throw new CliFailure(ExitCodes.USAGE, "--timeout must be positive");
        }
        VmRegistry registry = root.registry();
        VmDefinition def = registry.load(name);
        Path vmDir = registry.vmDirectory(name);
        SerialTranscript transcript = new SerialTranscript(TRANSCRIPT_BYTES);
        DefinitionBoard.Overrides overrides = new DefinitionBoard.Overrides(serialOverride(), clockOverride(),
                backend -> new TeeSerialBackend(backend, transcript));
        try (VmLog log = new VmLog(vmDir.resolve(VmRegistry.LOGS).resolve("vm.log"))) {
            DefinitionBoard.Assembly board;
            ExecutorSelection.Choice choice;
            try {
                board = DefinitionBoard.assemble(def, vmDir, overrides, log);
                try {
                    choice = ExecutorSelection.choose(executorOverride(def), board.config().clockMode());
                } catch (LaunchException | RuntimeException e) {
                    board.close(); // the images were claimed: give them back
                    throw e;
                }
            } catch (LaunchException e) {
                throw new CliFailure(switch (e.kind()) {
                    case UNSUPPORTED -> ExitCodes.UNSUPPORTED;
                    case IN_USE -> ExitCodes.CONFLICT;
                    case INVALID -> ExitCodes.INVALID;
                    case IO -> ExitCodes.IO_ERROR;
                }, e.getMessage());
            }
            log.line("start: " + name + " (" + def.uuid() + "), executor " + choice.name() + ", clock "
                    + board.config().clockMode().name().toLowerCase() + ", " + def.memoryMiB() + " MiB");
            boolean stdio = (serialOverride() != null ? serialOverride() : def.serial().com1()) instanceof SerialPort.Stdio;
            try (DefinitionBoard.Assembly storageOwner = board;
                 TerminalMode terminal = stdio ? TerminalMode.characterAtATime() : null;
                 Machine machine = Machine.create(board.config(), choice.factory(), name)) {
                Screenshots shots = new Screenshots(machine, board, screenshot, err());
                shots.onSignal();
                Thread stopOnCtrlC = new Thread(() -> machine.powerOff(), "quasivm-ctrl-c");
                Runtime.getRuntime().addShutdownHook(stopOnCtrlC);
                machine.start();
                int code = await(machine, transcript, expect, log);
                shots.write();
                Runtime.getRuntime().removeShutdownHook(stopOnCtrlC);
                if (machine.stopReason().isEmpty()) {
                    machine.powerOff().get(30, TimeUnit.SECONDS);
                }
                int post = machine.board().postCodes().lastCode();
                err().println("quasivm: last POST code: " + (post < 0 ? "none" : String.format("%02X", post)));
                return code;
            }
        }
    }

    /** Waits for the end of the run and decides its exit code. */
    private int await(Machine machine, SerialTranscript transcript, Pattern expect, VmLog log) throws Exception {
        long deadline = timeoutSeconds == null ? Long.MAX_VALUE
                : System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.line("stop: timeout after " + timeoutSeconds + " s");
                if (expect == null) {
                    return ExitCodes.OK;
                }
                err().println("quasivm: no match for --expect-serial '" + expect.pattern() + "' within "
                        + timeoutSeconds + " s; the last serial lines were:");
                List<String> last = transcript.lastLines(40);
                last.forEach(l -> err().println("  | " + l));
                return ExitCodes.FAILURE;
            }
            Duration slice = Duration.ofNanos(Math.min(left, 200_000_000L));
            if (expect != null && transcript.awaitMatch(expect, 0, slice) != null) {
                log.line("stop: --expect-serial matched");
                return ExitCodes.OK;
            }
            Optional<StopReason> stop = expect == null ? machine.awaitStop(slice) : machine.stopReason();
            if (stop.isPresent()) {
                log.line("stop: " + stop.get());
                return switch (stop.get().kind()) {
                    case GUEST_POWER_OFF, HOST_POWER_OFF -> expect == null ? ExitCodes.OK : unmatched(stop.get());
                    default -> {
                        err().println("quasivm: the VM stopped: " + stop.get());
                        yield ExitCodes.FAILURE;
                    }
                };
            }
        }
    }

    private int unmatched(StopReason stop) {
        err().println("quasivm: the VM stopped (" + stop + ") before --expect-serial matched");
        return ExitCodes.FAILURE;
    }

    private static Pattern compile(String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new CliFailure(ExitCodes.USAGE, "--expect-serial: " + e.getDescription());
        }
    }

    private SerialPort serialOverride() {
        if (serial == null) {
            return null;
        }
        int colon = serial.indexOf(':');
        String type = colon < 0 ? serial : serial.substring(0, colon);
        String arg = colon < 0 ? null : serial.substring(colon + 1);
        SerialPort port = switch (type) {
            case "stdio" -> arg == null ? new SerialPort.Stdio() : null;
            case "none" -> arg == null ? new SerialPort.None() : null;
            case "file" -> arg == null || arg.isEmpty() ? null : new SerialPort.File(absolute(arg));
            case "socket" -> arg == null || arg.isEmpty() ? null : new SerialPort.Socket(absolute(arg));
            default -> null;
        };
        if (port == null) {
            throw new CliFailure(ExitCodes.USAGE, "--serial takes stdio, none, file:PATH or socket:PATH");
        }
        return port;
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    private ClockMode clockOverride() {
        if (clock == null) {
            return null;
        }
        return switch (clock) {
            case "realtime" -> ClockMode.REALTIME;
            case "deterministic" -> ClockMode.DETERMINISTIC;
            default -> throw new CliFailure(ExitCodes.USAGE, "--clock takes realtime or deterministic");
        };
    }

    private ExecutorChoice executorOverride(VmDefinition def) {
        if (executor == null) {
            return def.cpu().executor();
        }
        for (ExecutorChoice c : ExecutorChoice.values()) {
            if (c.json().equals(executor)) {
                return c;
            }
        }
        throw new CliFailure(ExitCodes.USAGE, "--executor takes auto, software or kvm");
    }

    /** The --screenshot file: written at the end of the run and whenever SIGUSR1 arrives. */
    private record Screenshots(Machine machine, DefinitionBoard.Assembly board, Path file,
                               java.io.PrintWriter err) {

        void onSignal() {
            if (file == null) {
                return;
            }
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> write());
            } catch (IllegalArgumentException e) {
                err.println("quasivm: SIGUSR1 screenshots are not available on this host");
            }
        }

        void write() {
            if (file == null) {
                return;
            }
            try {
                Frame frame;
                if (machine.stopReason().isEmpty()) {
                    frame = machine.inspect(b -> {
                        board.vga().renderer().refresh();
                        return board.vga().renderer().frame().copy();
                    }).get(30, TimeUnit.SECONDS);
                } else {
                    // The VM thread has ended, so nothing else touches the VGA now.
                    board.vga().renderer().refresh();
                    frame = board.vga().renderer().frame().copy();
                }
                PngScreenshot.write(frame, file);
            } catch (Exception e) {
                err.println("quasivm: cannot write the screenshot " + file + ": " + e.getMessage());
            }
        }
    }
}
