package org.quasivm.vmm.devices.pci;

/** Where the bus's four shared interrupt lines PIRQA#..PIRQD# go (on this board: the PIIX3's routing registers). */
@FunctionalInterface
public interface PciInterruptRouter {

    /** PIRQ {@code pirq} (0..3) is now asserted by at least one function, or by none. */
    void setPirq(int pirq, boolean asserted);

    PciInterruptRouter NONE = (pirq, asserted) -> { };
}
