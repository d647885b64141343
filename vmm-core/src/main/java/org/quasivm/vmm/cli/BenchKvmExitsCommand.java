package org.quasivm.vmm.cli;

import java.util.concurrent.Callable;

import org.quasivm.exec.kvm.PortIoBenchmark;
import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.probe.HostProbe;
import org.quasivm.nativehelper.probe.KvmStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kvm-exits", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Port-I/O exit round trips per second under KVM (guest OUT, device model, resume): a firmware image "
                    + "doing --outs OUTs on QuasiVM's KVM executor and on qemu-system-i386 -enable-kvm, "
                    + "interleaved --runs times, with the ratio QuasiVM / QEMU (above 1: QuasiVM is faster). Both "
                    + "pay the same host costs, so the ratio measures QuasiVM's exit path, JNA included."},
        footerHeading = "%nExamples:%n",
        footer = {"  quasivm bench kvm-exits", "  quasivm bench kvm-exits --outs 200000 --runs 7"})
final class BenchKvmExitsCommand implements Callable<Integer> {

    @Option(names = "--outs", paramLabel = "N", defaultValue = "100000",
            description = "OUT instructions per run (default: ${DEFAULT-VALUE}).")
    int outs;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Runs per side (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--qemu", paramLabel = "PROGRAM", defaultValue = "qemu-system-i386",
            description = "The peer (default: ${DEFAULT-VALUE}).")
    String qemu;

    @Override
    public Integer call() throws Exception {
        if (outs < 1000 || runs < 1) {
            throw new CliFailure(ExitCodes.USAGE, "--outs must be at least 1000 and --runs at least 1");
        }
        KvmStatus kvm = HostProbe.probeKvm(Kvm.DEVICE);
        if (!kvm.usable()) {
            throw new CliFailure(ExitCodes.IO_ERROR, "KVM is not usable here: " + kvm.reason());
        }
        PortIoBenchmark.main(new String[] {"--outs", String.valueOf(outs), "--runs", String.valueOf(runs),
            "--qemu", qemu});
        return ExitCodes.OK;
    }
}
