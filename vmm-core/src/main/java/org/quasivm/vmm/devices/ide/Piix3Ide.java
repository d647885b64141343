package org.quasivm.vmm.devices.ide;

import java.util.Objects;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.devices.pci.PciBar;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.devices.pci.PciIdentity;

/**
 * The PIIX3 IDE function, 8086:7010 at 00:01.1: both channels in legacy ("compatibility") mode at the ISA ports and
 * IRQs 14/15, so no INTx pin; BAR4 decodes the 16 bus-master registers (channel 0 at +0, channel 1 at +8).
 *
 * <p>IDETIM (40h, 42h) and SIDETIM (44h) are kept for the firmware to read back. Their IDE decode enable bits
 * reset to set: without a BIOS (direct Linux boot) nobody would set them, and Linux's ata_piix skips a channel
 * whose bit is clear. The legacy ports always decode, as QEMU's PIIX does.
 */
public final class Piix3Ide extends PciFunction {

    public static final PciIdentity IDENTITY = new PciIdentity(0x8086, 0x7010, 0x00, 0x01_01_80,
            PciIdentity.QEMU_SUBSYSTEM_VENDOR, PciIdentity.QEMU_SUBSYSTEM, 0);
    public static final int BUS_MASTER_BAR = 4;
    static final int IDETIM_PRIMARY = 0x40;
    static final int IDETIM_SECONDARY = 0x42;
    static final int SIDETIM = 0x44;
    static final int IDETIM_DECODE_ENABLE = 0x8000;

    private final IdeChannel[] channels;

    public Piix3Ide(IdeChannel primary, IdeChannel secondary) {
        super("piix3-ide", IDENTITY);
        this.channels = new IdeChannel[] {Objects.requireNonNull(primary, "primary"),
                Objects.requireNonNull(secondary, "secondary")};
        declareBar(BUS_MASTER_BAR, new PciBar.Io(16, new BusMasterWindow(), AccessWidth.ANY));
        setWritable(IDETIM_PRIMARY, 4, 0xFF);
        setWritable(SIDETIM, 1, 0xFF);
    }

    @Override
    protected void resetDevice() {
        putConfig(IDETIM_PRIMARY, 2, IDETIM_DECODE_ENABLE);
        putConfig(IDETIM_SECONDARY, 2, IDETIM_DECODE_ENABLE);
        putConfig(SIDETIM, 1, 0);
    }

    public IdeChannel channel(int index) {
        return channels[Objects.checkIndex(index, 2)];
    }

    /** Routes the 16-byte BAR4 window to the two channels' eight registers each. */
    private final class BusMasterWindow implements BusDevice {
        @Override
        public int read(int offset, int size) {
            int value = 0;
            int i = 0;
            while (i < size) {
                int at = offset + i;
                if (at >= 16) {
                    break;
                }
                int n = Math.min(size - i, 8 - (at & 7));
                value |= channels[at >> 3].busMasterRegisters().read(at & 7, n) << (8 * i);
                i += n;
            }
            return value;
        }

        @Override
        public void write(int offset, int size, int value) {
            int i = 0;
            while (i < size) {
                int at = offset + i;
                if (at >= 16) {
                    break;
                }
                int n = Math.min(size - i, 8 - (at & 7));
                channels[at >> 3].busMasterRegisters().write(at & 7, n, value >>> (8 * i));
                i += n;
            }
        }
    }
}
