package org.quasivm.vmm.config;

/** The IDE channels and the floppy drives. */
public record StorageConfig(Ide ide, Floppy floppy) {

    /** The two IDE channels, master and slave each. */
    public record Ide(IdeSlot primaryMaster, IdeSlot primarySlave, IdeSlot secondaryMaster, IdeSlot secondarySlave) { }

    /** Floppy drives A: and B:. */
    public record Floppy(FloppyDrive a, FloppyDrive b) { }
}
