package org.quasivm.vmm.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.quasivm.exec.cputest.KnownDifferences;
import org.quasivm.exec.cputest.MooSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cputest", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Runs a directory of SingleStepTests MOO files (hardware-captured single-instruction tests, optionally "
                    + "gzip-compressed) through the software CPU's interpreter and prints per-opcode results.",
            "",
            "Cases matched by the known-differences file (documented rules where an i686 legitimately differs from "
                    + "the CPU that captured the tests) are left out of both counts and reported as 'K excluded'. "
                    + "The last line is exactly 'N passed, M failed'. Exit code 0 when nothing failed, 1 otherwise."},
        footerHeading = "%nExample:%n",
        footer = "  quasivm cputest --moo ../shared/testdata/cpu/80286/v1_real_mode")
final class CputestCommand extends VmCommand implements Callable<Integer> {

    @Option(names = "--moo", required = true, paramLabel = "DIR", description = "Directory of *.MOO or *.MOO.gz files.")
    Path directory;

    @Option(names = "--known", paramLabel = "FILE",
            description = "Known-differences rules (default: the bundled rules for the 80286 real-mode set).")
    Path known;

    @Option(names = "--only", paramLabel = "REGEX", description = "Run only the opcodes (file names without .MOO) "
            + "this matches entirely, e.g. 0[0-3] or F6\\..+ (group opcodes are split by ModRM reg: F6.0 .. F6.7).")
    String only;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(directory)) {
            throw new CliFailure(ExitCodes.NOT_FOUND, "no such directory: " + directory);
        }
        Pattern filter;
        try {
            filter = only == null ? null : Pattern.compile(only);
        } catch (PatternSyntaxException e) {
            throw new CliFailure(ExitCodes.USAGE, "--only: " + e.getDescription());
        }
        KnownDifferences rules = known == null ? KnownDifferences.bundled80286() : KnownDifferences.read(known);
        MooSuite.Result result = MooSuite.run(directory, rules, filter);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            if (json) {
                MooSuite.printJson(result, p);
            } else {
                MooSuite.printText(result, p);
            }
        }
        out().print(text.toString(StandardCharsets.UTF_8));
        return result.failed() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
