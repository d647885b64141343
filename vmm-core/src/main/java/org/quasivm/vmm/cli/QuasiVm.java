package org.quasivm.vmm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.quasivm.templates.TemplateCatalog;
import org.quasivm.vmm.config.DefinitionCodec;
import org.quasivm.vmm.config.InvalidDefinitionException;
import org.quasivm.vmm.registry.VmConflictException;
import org.quasivm.vmm.registry.VmHome;
import org.quasivm.vmm.registry.VmNotFoundException;
import org.quasivm.vmm.registry.VmRegistry;
import org.quasivm.vmm.storage.HostAllocationProbe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code quasivm}: everything the console does, for scripts and tests. */
@Command(name = "quasivm",
        mixinStandardHelpOptions = true,
        versionProvider = QuasiVm.Version.class,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "QuasiVM: a hosted virtual machine monitor.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Creates, configures and runs PC virtual machines. Each VM lives in its own directory under the "
                    + "QuasiVM home: <home>/<name>/<name>.qvm.json (the definition), disks/, snapshots/, logs/.",
            "",
            "The home is --home DIR, else $QUASIVM_HOME, else ~/.local/share/quasivm (the user's data "
                    + "directory). --home is accepted before or after any command's own arguments."},
        commandListHeading = "%nCommands:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  the command ran but did not succeed (declined prompt, unmet expectation)",
            "  2  usage error",
            "  3  not found (VM, template)",
            "  4  invalid definition or input: one line per problem, naming the file and the field; a damaged "
                    + "disk image or appliance",
            "  5  I/O error: a file could not be found, opened, read or written",
            "  6  conflict: name taken, VM or image in use, target file exists",
            "  7  not supported on this host or by this build",
            "  130  cancelled with Ctrl-C (nothing half-written is left)",
            "",
            "Run 'quasivm COMMAND --help' for a command's options."},
        subcommands = {
            CreateCommand.class, ListCommand.class, ShowCommand.class, SetCommand.class, CloneCommand.class,
            RenameCommand.class, DeleteCommand.class, TemplatesCommand.class, DemoCommand.class, HostCommand.class,
            RunCommand.class, CputestCommand.class, DiskCommand.class, ImportCommand.class, ExportCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class QuasiVm implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The QuasiVM home holding the VMs (default: $QUASIVM_HOME or ~/.local/share/quasivm).")
    Path home;

    @Spec
    CommandSpec spec;

    private InputStream in = System.in;
    private final TemplateCatalog templates = TemplateCatalog.builtIn();

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    TemplateCatalog templates() {
        return templates;
    }

    VmRegistry registry() {
        return new VmRegistry(VmHome.resolve(home), new DefinitionCodec(templates));
    }

    InputStream stdin() {
        return in;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.in));
    }

    /** Runs the CLI with the given streams and returns its exit code (tests call this in-process). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, InputStream in) {
        HostAllocationProbe.installIfSupported(); // raw images report their holes: conversions skip them
        QuasiVm root = new QuasiVm();
        root.in = in;
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(false);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine.getErr()));
        cl.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("quasivm: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Prints a failure as one line per problem and maps it to its exit code. */
    static int report(Exception ex, PrintWriter err) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        if (t instanceof InvalidDefinitionException e) {
            e.lines().forEach(line -> err.println("quasivm: " + line));
            return ExitCodes.INVALID;
        }
        err.println("quasivm: " + message(t));
        if (t instanceof CliFailure f) {
            return f.exitCode();
        } else if (t instanceof VmNotFoundException) {
            return ExitCodes.NOT_FOUND;
        } else if (t instanceof VmConflictException) {
            return ExitCodes.CONFLICT;
        } else if (t instanceof IOException) {
            return ExitCodes.IO_ERROR;
        } else if (t instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        t.printStackTrace(err);
        return ExitCodes.FAILURE;
    }

    private static String message(Throwable t) {
        if (t instanceof java.nio.file.NoSuchFileException e) {
            return "no such file: " + e.getFile();
        } else if (t instanceof java.nio.file.AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        } else if (t instanceof java.nio.file.FileSystemException e) {
            return e.getFile() + ": " + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason());
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The version recorded in the jar's manifest (or "development" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = QuasiVm.class.getPackage().getImplementationVersion();
            return new String[] {"quasivm " + (v == null ? "development" : v),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
