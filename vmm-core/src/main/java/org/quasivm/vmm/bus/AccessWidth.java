package org.quasivm.vmm.bus;

/** Which access sizes a device's registers accept; the bus splits anything else into single bytes. */
public enum AccessWidth {

    /** An 8-bit ISA device: a 16- or 32-bit access becomes byte accesses to consecutive ports, as the ISA bus does. */
    BYTE,

    /** The device decodes 1, 2 and 4 byte accesses itself (PCI config data, fw_cfg selector, PM registers...). */
    ANY
}
