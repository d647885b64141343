package org.quasivm.vmm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.quasivm.disk.CheckReport;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Checks an image's structure: headers, checksums, tables pointing outside the file or into metadata, "
                    + "overlapping allocations, qcow2 reference counts, and its parent chain.",
            "",
            "Exit code 0 when there are no errors (warnings and leaked clusters are printed but harm no data); 4 "
                    + "when there are, with one line per error on stderr naming the file and the problem.",
            "",
            "--repair fixes what an interrupted writer can leave: qcow2 reference counts are recounted (leaked "
                    + "clusters released); a dynamic VHD, VDI or sparse VMDK has an unreferenced tail trimmed and a "
                    + "missing VHD footer restored. It needs the image not to be in use.",
            "",
            "With --json: {path, format, clean, errors, warnings, leakedClusters}."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm disk check web1.qcow2",
            "  quasivm disk check web1.qcow2 --repair",
            "  quasivm disk check import.vmdk --read-data --json"})
final class DiskCheckCommand extends DiskSubcommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE")
    Path image;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Declare the image's format instead of "
            + "probing it.")
    String format;

    @Option(names = "--repair", description = "Repair what an interrupted writer can leave, then check again.")
    boolean repair;

    @Option(names = "--read-data", description = "Also read (and decompress) every stored byte once.")
    boolean readData;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(image)) {
            throw new CliFailure(ExitCodes.IO_ERROR, "no such file: " + image);
        }
        ImageFormat declared = FormatNames.parse(format, "--format");
        CheckReport before = ImageErrors.run(() -> DiskImages.check(image, declared, readData));
        CheckReport report = before;
        if (repair && !before.clean()) {
            report = ImageErrors.run(() -> DiskImages.repair(image, before.format() != null ? before.format()
                    : declared));
            if (readData) {
                report = ImageErrors.run(() -> DiskImages.check(image, declared, true));
            }
        }
        List<String> errors = messages(report, CheckReport.Severity.ERROR);
        List<String> warnings = messages(report, CheckReport.Severity.WARNING);
        for (String e : errors) {
            err().println("quasivm: " + e);
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", report.path());
            m.put("format", report.format() == null ? null : report.format().id());
            m.put("clean", report.clean());
            m.put("errors", errors);
            m.put("warnings", warnings);
            m.put("leakedClusters", report.leakedClusters());
            printJson(m);
        } else {
            for (String w : warnings) {
                out().println("warning: " + w);
            }
            if (repair && before.leakedClusters() > report.leakedClusters()) {
                out().printf("Repaired: released %d leaked clusters%n",
                        before.leakedClusters() - report.leakedClusters());
            }
            if (report.leakedClusters() > 0) {
                out().printf("%d leaked clusters: space is wasted, no data is harmed (--repair releases them)%n",
                        report.leakedClusters());
            }
            out().println(errors.isEmpty() ? "No errors found in " + image
                    : errors.size() + (errors.size() == 1 ? " error" : " errors") + " found in " + image);
        }
        return errors.isEmpty() ? ExitCodes.OK : ExitCodes.INVALID;
    }

    private static List<String> messages(CheckReport r, CheckReport.Severity severity) {
        return r.problems().stream().filter(p -> p.severity() == severity).map(CheckReport.Problem::message)
                .toList();
    }
}
