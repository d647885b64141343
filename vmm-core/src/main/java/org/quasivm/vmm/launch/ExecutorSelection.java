package org.quasivm.vmm.launch;

import java.time.Duration;
import java.util.function.Function;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Platform;
import org.quasivm.exec.calibration.AutoExecutorChoice;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.exec.kvm.KvmExecutor;
import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.probe.HostProbe;
import org.quasivm.nativehelper.probe.KvmStatus;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.config.ExecutorChoice;

/**
 * Which executor a VM runs on. {@code kvm} fails with one clear line when KVM is not usable; {@code auto} falls back
 * to the software CPU without a word, and picks KVM only when a short calibration measures it faster (a nested KVM
 * can be a thousand times slower). The deterministic clock counts instructions, which only the software CPU can.
 */
public final class ExecutorSelection {

    private static final Duration CALIBRATION = Duration.ofMillis(200);

    /** The chosen executor: its name and how to build it on a board's platform. */
    public record Choice(String name, Function<Platform, Executor> factory) { }

    private ExecutorSelection() {
    }

    public static Choice choose(ExecutorChoice requested, ClockMode clock) throws LaunchException {
        ExecutorChoice effective = requested;
        if (clock == ClockMode.DETERMINISTIC) {
            if (requested == ExecutorChoice.KVM) {
                throw new LaunchException(LaunchException.Kind.UNSUPPORTED, "the deterministic clock counts guest "
                        + "instructions, which KVM cannot: use executor software (or the realtime clock)");
            }
            effective = ExecutorChoice.SOFTWARE;
        }
        switch (effective) {
            case SOFTWARE:
                return software();
            case KVM: {
                KvmStatus kvm = HostProbe.probeKvm(Kvm.DEVICE);
                if (!kvm.usable()) {
                    throw new LaunchException(LaunchException.Kind.UNSUPPORTED,
                            "executor kvm is not available: " + kvm.reason());
                }
                return new Choice(AutoExecutorChoice.KVM, KvmExecutor::new);
            }
            default: {
                if (!HostProbe.probeKvm(Kvm.DEVICE).usable()) {
                    return software();
                }
                AutoExecutorChoice.Decision d = AutoExecutorChoice.decide(SoftwareExecutor::new, Kvm.DEVICE,
                        CALIBRATION);
                return d.autoExecutor().equals(AutoExecutorChoice.KVM)
                        ? new Choice(AutoExecutorChoice.KVM, KvmExecutor::new) : software();
            }
        }
    }

    private static Choice software() {
        return new Choice(AutoExecutorChoice.SOFTWARE, SoftwareExecutor::new);
    }
}
