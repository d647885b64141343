package org.quasivm.vmm.devices.fwcfg;

/** How fw_cfg's DMA interface reaches guest memory (the board's physical memory, as a bus master). */
public interface FwCfgDma {

    void read(long address, byte[] target, int offset, int length);

    void write(long address, byte[] source, int offset, int length);
}
