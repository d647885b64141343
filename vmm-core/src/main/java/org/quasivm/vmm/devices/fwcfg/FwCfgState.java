package org.quasivm.vmm.devices.fwcfg;

/**
 * The guest-visible registers of fw_cfg (its items are configuration, rebuilt with the board).
 *
 * @param selector   the selected item key
 * @param offset     the read position within it
 * @param dmaAddress the high half of a DMA descriptor address written so far
 */
public record FwCfgState(int selector, int offset, long dmaAddress) {
    public FwCfgState {
        if ((selector & ~0xFFFF) != 0 || offset < 0) {
            throw new IllegalArgumentException("fw_cfg register out of range");
        }
    }
}
