package org.quasivm.vmm.devices.pci;

import java.util.Objects;

import org.quasivm.vmm.memory.PamAttribute;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * The i440FX PCI and memory controller (PMC) at 00:00.0, 8086:1237. Its Programmable Attribute Map registers
 * (59h-5Fh) switch the C0000-FFFFF shadow segments between ROM and RAM. It carries QEMU's subsystem IDs
 * (1AF4:1100): SeaBIOS only uses fw_cfg on a host bridge that does. SMRAM (72h) is stored but not decoded: there
 * is no SMM on this board, and the PIIX4 PM function reports SMM as already set up.
 */
public final class I440fxHostBridge extends PciFunction {

    public static final PciIdentity IDENTITY = new PciIdentity(0x8086, 0x1237, 0x02, 0x06_00_00,
            PciIdentity.QEMU_SUBSYSTEM_VENDOR, PciIdentity.QEMU_SUBSYSTEM, 0);

    static final int PAM0 = 0x59;
    static final int PAM_COUNT = 7;
    static final int SMRAM = 0x72;
    private static final int SMRAM_DEFAULT = 0x02; // C_BASE_SEG: A0000-BFFFF

    private final PcMemoryMap memory;

    public I440fxHostBridge(PcMemoryMap memory) {
        super("i440fx", IDENTITY);
        this.memory = Objects.requireNonNull(memory, "memory");
        setWritable(0x50, 2, 0xFF);      // PMCCFG
        setWritable(0x52, 2, 0xFF);      // DETURBO, DBC
        setWritable(0x57, 1, 0xFF);      // DRAMC
        setWritable(0x58, 1, 0xFF);      // DRAMT
        setWritable(PAM0, 1, 0x30);      // PAM0: only the F-segment nibble exists
        setWritable(PAM0 + 1, PAM_COUNT - 1, 0x33);
        setWritable(0x60, 8, 0xFF);      // DRB0-7
        setWritable(0x68, 1, 0xFF);      // FDHC
        setWritable(SMRAM, 1, 0x78);
    }

    @Override
    protected void resetDevice() {
        putConfig(SMRAM, 1, SMRAM_DEFAULT);
        memory.resetPam();
    }

    @Override
    protected void configWritten(int offset, int size) {
        if (offset < PAM0 + PAM_COUNT && offset + size > PAM0) {
            applyPam();
        }
    }

    private void applyPam() {
        memory.setPam(12, PamAttribute.fromBits(configByte(PAM0) >> 4));
        for (int i = 1; i < PAM_COUNT; i++) {
            int reg = configByte(PAM0 + i);
            memory.setPam(2 * (i - 1), PamAttribute.fromBits(reg));
            memory.setPam(2 * (i - 1) + 1, PamAttribute.fromBits(reg >> 4));
        }
    }

    /** After a snapshot restore of the config bytes: the shadow map follows the PAM registers again. */
    public void reapplyPam() {
        applyPam();
    }
}
