/**
 * QEMU's firmware configuration interface as SeaBIOS uses it, with DMA.
 */
package org.quasivm.vmm.devices.fwcfg;
