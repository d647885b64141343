/**
 * The PC's physical address space ({@link org.quasivm.vmm.memory.PcMemoryMap}): RAM, the VGA window and PCI hole
 * on the MMIO bus, the PAM-controlled shadow segments C0000-FFFFF, firmware at 4 GiB with its tail below 1 MiB, RAM
 * above 4 GiB, and host-backed PCI BAR regions. The executor gets the region list (and is told when it changes);
 * everything else takes the slow path through {@code read}/{@code write}.
 */
package org.quasivm.vmm.memory;
