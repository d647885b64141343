/**
 * PCI: configuration mechanism #1, the bus with INTx-to-PIRQ wiring, the {@link
 * org.quasivm.vmm.devices.pci.PciFunction} base class other devices extend, the i440FX host bridge (PAM) and the
 * PIIX3 ISA bridge (PIRQ routing).
 */
package org.quasivm.vmm.devices.pci;
