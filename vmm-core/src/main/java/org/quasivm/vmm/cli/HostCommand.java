package org.quasivm.vmm.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.quasivm.exec.calibration.AutoExecutorChoice;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.probe.HostProbe;
import org.quasivm.nativehelper.probe.HostReport;
import org.quasivm.nativehelper.probe.KvmStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "host", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Reports what this host offers QuasiVM: the JVM, cores, memory, whether /dev/kvm exists and is usable "
                    + "(API version, capabilities), and a short calibration of guest instructions per second under "
                    + "the software executor and under KVM.",
            "",
            "'executor: auto' uses the faster of the two; KVM is chosen only when it is usable and measured faster "
                    + "(a nested KVM can be slower than the software CPU)."})
final class HostCommand extends VmCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--calibration-ms", paramLabel = "MS", defaultValue = "500",
            description = "How long to run each executor's calibration loop (default: ${DEFAULT-VALUE}).")
    long calibrationMillis;

    @Override
    public Integer call() {
        if (calibrationMillis < 10 || calibrationMillis > 60_000) {
            throw new CliFailure(ExitCodes.USAGE, "--calibration-ms must be between 10 and 60000");
        }
        HostReport host = HostProbe.probe(Kvm.DEVICE);
        AutoExecutorChoice.Decision decision = AutoExecutorChoice.decide(SoftwareExecutor::new, Kvm.DEVICE,
                Duration.ofMillis(calibrationMillis));
        if (json) {
            printJson(report(host, decision));
            return ExitCodes.OK;
        }
        KvmStatus kvm = host.kvm();
        out().printf("Java:          %s (%s, %s)%n", host.javaVersion(), host.javaVendor(), host.jvmName());
        out().printf("OS:            %s%n", host.os());
        out().printf("Cores:         %d%n", host.cores());
        out().printf("Memory:        %s%n", host.memoryBytes() == 0 ? "unknown" : Sizes.approximate(host.memoryBytes()));
        out().printf("KVM:           %s%n", !kvm.present() ? "absent (" + kvm.device() + ")"
                : kvm.usable() ? "usable, API version " + kvm.apiVersion()
                : "present but not usable: " + kvm.reason());
        out().printf("Software CPU:  %.1f million guest instructions/s%n", decision.softwareMips());
        out().printf("KVM:           %s%n", decision.kvmMips() == null ? "not measured (not usable)"
                : String.format("%.1f million guest instructions/s", decision.kvmMips()));
        out().printf("auto executor: %s%n", decision.autoExecutor());
        return ExitCodes.OK;
    }

    static Map<String, Object> report(HostReport host, AutoExecutorChoice.Decision decision) {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("version", host.javaVersion());
        jvm.put("vendor", host.javaVendor());
        jvm.put("name", host.jvmName());
        r.put("jvm", jvm);
        r.put("os", host.os());
        r.put("cores", host.cores());
        r.put("memoryBytes", host.memoryBytes());
        Map<String, Object> kvm = new LinkedHashMap<>();
        kvm.put("device", host.kvm().device());
        kvm.put("present", host.kvm().present());
        kvm.put("usable", host.kvm().usable());
        kvm.put("apiVersion", host.kvm().apiVersion());
        if (host.kvm().reason() != null) {
            kvm.put("reason", host.kvm().reason());
        }
        kvm.put("capabilities", host.kvm().capabilities());
        r.put("kvm", kvm);
        Map<String, Object> calibration = new LinkedHashMap<>();
        calibration.put("softwareMips", decision.softwareMips());
        calibration.put("kvmMips", decision.kvmMips());
        r.put("calibration", calibration);
        r.put("autoExecutor", decision.autoExecutor());
        return r;
    }
}
