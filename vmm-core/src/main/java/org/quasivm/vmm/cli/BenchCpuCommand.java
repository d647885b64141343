package org.quasivm.vmm.cli;

import java.util.concurrent.Callable;

import org.quasivm.exec.bench.CpuBenchmark;
import org.quasivm.exec.bench.PeerComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cpu", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Guest instructions per second of the software CPU: integer, memory/string and x87 loops in real mode "
                    + "and in paged protected mode (median of --repeat samples of --seconds each, wall and CPU "
                    + "time), then the same real-mode integer loop as a firmware image on QuasiVM and on "
                    + "qemu-system-i386 -accel tcg, interleaved --rounds times, with the ratio QuasiVM / QEMU "
                    + "(above 1: QuasiVM is faster)."},
        footerHeading = "%nExamples:%n",
        footer = {"  quasivm bench cpu", "  quasivm bench cpu --seconds 5 --repeat 5 --rounds 5"})
final class BenchCpuCommand implements Callable<Integer> {

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Length of one sample (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
            description = "Samples per loop and mode (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Rounds of the comparison with QEMU; 0 leaves it out (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--qemu", paramLabel = "PROGRAM", defaultValue = "qemu-system-i386",
            description = "The peer (default: ${DEFAULT-VALUE}).")
    String qemu;

    @Override
    public Integer call() throws Exception {
        if (seconds <= 0 || repeat < 1 || rounds < 0) {
            throw new CliFailure(ExitCodes.USAGE, "--seconds must be positive, --repeat at least 1, --rounds >= 0");
        }
        CpuBenchmark.main(new String[] {"--seconds", String.valueOf(seconds), "--repeat", String.valueOf(repeat)});
        if (rounds > 0) {
            PeerComparison.main(new String[] {"--rounds", String.valueOf(rounds), "--qemu", qemu});
        }
        return ExitCodes.OK;
    }
}
