package org.quasivm.vmm.machine;

import java.util.Objects;
import java.util.function.Function;

/** What may be asked of a running machine. Each gets a {@link MachineReply}. */
public sealed interface MachineCommand {

    Pause PAUSE = new Pause();
    Resume RESUME = new Resume();
    Reset RESET = new Reset();
    PowerOff POWER_OFF = new PowerOff();
    PressPowerButton PRESS_POWER_BUTTON = new PressPowerButton();

    /** RUNNING → PAUSED. */
    record Pause() implements MachineCommand { }

    /** PAUSED → RUNNING. */
    record Resume() implements MachineCommand { }

    /** The reset button: CPU and devices to their reset state, RAM kept. Allowed while running or paused. */
    record Reset() implements MachineCommand { }

    /** Pulls the plug: the machine stops at once. */
    record PowerOff() implements MachineCommand { }

    /**
     * Pauses the machine when guest time reaches {@code guestNanos} (at once if it has), at an exact instruction
     * in deterministic mode: for reproducible comparisons and benchmarks. Replaces an earlier PauseAt.
     */
    record PauseAt(long guestNanos) implements MachineCommand { }

    /** The ACPI power button: a guest with ACPI shuts itself down. */
    record PressPowerButton() implements MachineCommand { }

    /**
     * Runs {@code action} on the VM thread between run slices, where device state is consistent (screenshots,
     * diagnostics). The reply is {@link MachineReply.Value} with its result.
     */
    record Inspect<T>(Function<PcBoard, T> action) implements MachineCommand {
        public Inspect {
            Objects.requireNonNull(action, "action");
        }
    }
}
