package org.quasivm.vmm.devices.pic;

import java.util.Objects;

/** Both 8259As of the PC. */
public record PicPairState(PicState master, PicState slave) {
    public PicPairState {
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(slave, "slave");
    }
}
