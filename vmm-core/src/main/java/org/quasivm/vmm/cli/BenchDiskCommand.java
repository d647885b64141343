package org.quasivm.vmm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.quasivm.disk.bench.ConvertBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "disk", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Disk conversion speed against qemu-img convert (Debian qemu-utils). In DIR it builds a raw disk of "
                    + "--mib MiB of random data followed by as large a hole (kept for later runs; 2 GiB and about "
                    + "6 GiB of free space by default), then times raw to VMDK (monolithicSparse), raw to "
                    + "streamOptimized VMDK, raw to dynamic VHD, raw to qcow2, and each of them back to raw (from "
                    + "images qemu-img made, so both tools read the same input).",
            "",
            "The two tools run interleaved, alternating which goes first, --runs times each; the table gives the "
                    + "median and the spread, and the ratio qemu-img time / QuasiVM time (above 1: QuasiVM is "
                    + "faster). Both do equal work twice: without a final sync (qemu-img's default cache mode) "
                    + "and with the output synced before completion (QuasiVM's default, qemu-img -t writeback).",
            "",
            "QuasiVM converts in this process, qemu-img runs as a process per conversion. The CPU column gives the "
                    + "median CPU seconds of each: on a busy machine it shows the work done better than the wall "
                    + "time does."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  quasivm bench disk /var/tmp/qvm-bench --runs 3",
            "  quasivm bench disk /var/tmp/qvm-bench --mib 256 --runs 5 --modes nosync",
            "  quasivm bench disk /var/tmp/qvm-bench --data text"})
final class BenchDiskCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Where the source and outputs go (a real disk, "
            + "not tmpfs, to measure disk work).")
    Path dir;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "Runs per conversion and tool "
            + "(default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--mib", paramLabel = "N", defaultValue = "1024", description = "MiB of random data, followed "
            + "by as many MiB of hole (default: ${DEFAULT-VALUE}).")
    long mib;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "Compression threads for "
            + "streamOptimized (default: one per processor).")
    int threads;

    @Option(names = "--modes", paramLabel = "nosync|sync|both", defaultValue = "both",
            description = "Which of the two comparisons to run (default: ${DEFAULT-VALUE}).")
    String modes;

    @Option(names = "--data", paramLabel = "random|text", defaultValue = "random",
            description = "What the data half holds: random bytes (incompressible; the reference workload) or text "
                    + "that deflate shrinks about 3:1, where streamOptimized really compresses (default: "
                    + "${DEFAULT-VALUE}).")
    String data;

    @Override
    public Integer call() throws Exception {
        ConvertBenchmark.Options options;
        try {
            options = new ConvertBenchmark.Options(runs, mib, threads, modes, data);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, e.getMessage());
        }
        ImageErrors.run(() -> {
            ConvertBenchmark.run(dir, options, spec.commandLine().getOut());
            return null;
        });
        return ExitCodes.OK;
    }
}
