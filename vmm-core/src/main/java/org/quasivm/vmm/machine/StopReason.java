package org.quasivm.vmm.machine;

import java.util.Objects;

/**
 * Why a machine stopped.
 *
 * @param kind    what happened
 * @param message a one-line explanation (the executor's message, the exception...)
 * @param cause   the exception, for {@link Kind#FAILURE}
 */
public record StopReason(Kind kind, String message, Throwable cause) {

    public enum Kind {
        /** The guest powered off (ACPI S5). */
        GUEST_POWER_OFF,
        /** The host pulled the plug (power-off command). */
        HOST_POWER_OFF,
        /** The CPU shut down (triple fault) and the machine is set not to reset on it. */
        CPU_SHUTDOWN,
        /** The executor cannot continue (unsupported guest state, KVM error). */
        EXECUTOR_ERROR,
        /** A bug or host failure in the monitor itself. */
        FAILURE
    }

    public StopReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
