package org.quasivm.vmm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Benchmarks that compare QuasiVM with the tool a user would otherwise pick, side by side in "
                + "one run, printing both figures and their ratio. The machine should be otherwise idle: the "
                + "figures are only as steady as its load (printed at the start and the end).",
        commandListHeading = "%nCommands:%n",
        subcommands = {BenchBootCommand.class, BenchCpuCommand.class, BenchDiskCommand.class,
            BenchKvmExitsCommand.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (boot, cpu, disk, kvm-exits)");
    }
}
