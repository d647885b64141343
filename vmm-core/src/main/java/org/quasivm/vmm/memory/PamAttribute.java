package org.quasivm.vmm.memory;

/**
 * The i440FX Programmable Attribute Map setting of one shadow segment in C0000-FFFFF: whether reads and writes
 * reach DRAM or go to the ROM/PCI side (datasheet 3.2.18, bits RE and WE).
 */
public enum PamAttribute {
    /** Reads and writes go to ROM/PCI: the power-on state, firmware runs from ROM. */
    DISABLED,
    /** Reads from DRAM, writes to ROM/PCI (shadow write-protected). */
    READ_ONLY,
    /** Reads from ROM/PCI, writes to DRAM (firmware copying itself into shadow RAM). */
    WRITE_ONLY,
    /** DRAM for both. */
    READ_WRITE;

    /** The attribute for the two-bit RE/WE field of a PAM register nibble. */
    public static PamAttribute fromBits(int bits) {
        return switch (bits & 3) {
            case 0 -> DISABLED;
            case 1 -> READ_ONLY;
            case 2 -> WRITE_ONLY;
            default -> READ_WRITE;
        };
    }

    public boolean readsDram() {
        return this == READ_ONLY || this == READ_WRITE;
    }

    public boolean writesDram() {
        return this == WRITE_ONLY || this == READ_WRITE;
    }
}
