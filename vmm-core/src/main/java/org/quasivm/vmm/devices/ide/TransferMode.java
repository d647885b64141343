package org.quasivm.vmm.devices.ide;

/**
 * The transfer mode a host selects with SET FEATURES 03h (the sector count register) and how IDENTIFY reports it:
 * PIO default/0-4 (00h, 01h, 08h-0Ch), multiword DMA 0-2 (20h-22h), Ultra DMA 0-5 (40h-45h).
 */
final class TransferMode {

    private TransferMode() {
    }

    static boolean valid(int mode) {
        return mode == 0 || mode == 1 || (mode >= 0x08 && mode <= 0x0C) || (mode >= 0x20 && mode <= 0x22)
                || (mode >= 0x40 && mode <= 0x45);
    }

    /** IDENTIFY word 63: multiword DMA 0-2 supported, the selected one flagged in the high byte. */
    static int multiwordWord(int mode) {
        int selected = mode >= 0x20 && mode <= 0x22 ? 1 << (mode - 0x20 + 8) : 0;
        return 0x0007 | selected;
    }

    /** IDENTIFY word 88: Ultra DMA 0-5 supported, the selected one flagged in the high byte. */
    static int ultraWord(int mode) {
        int selected = mode >= 0x40 && mode <= 0x45 ? 1 << (mode - 0x40 + 8) : 0;
        return 0x003F | selected;
    }
}
