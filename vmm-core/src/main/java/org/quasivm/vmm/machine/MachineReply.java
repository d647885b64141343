package org.quasivm.vmm.machine;

/** The answer to a {@link MachineCommand}. */
public sealed interface MachineReply {

    /** Done; the machine is now in {@code state}. */
    record Done(MachineState state) implements MachineReply { }

    /** Not possible now (e.g. resume while running); nothing changed. */
    record Refused(String reason) implements MachineReply { }

    /** The result of an {@link MachineCommand.Inspect}. */
    record Value<T>(T value) implements MachineReply { }
}
