package org.quasivm.vmm.devices.ide;

import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.TestBoardWiring;

/**
 * The IDE controller plugged into a test board, driven through its ports as a guest driver would: BAR4 placed at
 * {@link #BM} with I/O and bus mastering enabled, helpers for the task file, PIO and PRD tables.
 */
final class IdeRig {

    static final int CMD = IdePlug.PRIMARY_PORT;
    static final int CTL = IdePlug.PRIMARY_CONTROL_PORT;
    static final int CMD2 = IdePlug.SECONDARY_PORT;
    static final int CTL2 = IdePlug.SECONDARY_CONTROL_PORT;
    static final int BM = 0xC000;
    static final long PRD_TABLE = 0x10_0000;

    final TestBoardWiring board = new TestBoardWiring();
    final IdePlug plug;

    IdeRig(IdePlug plug) {
        this.plug = plug;
        plug.plugInto(board);
        board.pci.writeConfig(1, 1, PciFunction.BAR0 + 16, 4, BM);
        board.pci.writeConfig(1, 1, PciFunction.COMMAND, 2, PciFunction.COMMAND_IO | PciFunction.COMMAND_BUS_MASTER);
    }

    RecordingIrqLine irq14() {
        return board.irq(IdePlug.PRIMARY_IRQ);
    }

    RecordingIrqLine irq15() {
        return board.irq(IdePlug.SECONDARY_IRQ);
    }

    int status() {
        return board.inb(CMD + Ata.STATUS_COMMAND);
    }

    int altStatus() {
        return board.inb(CTL);
    }

    int error() {
        return board.inb(CMD + Ata.ERROR_FEATURE);
    }

    int reg(int offset) {
        return board.inb(CMD + offset);
    }

    void select(int device) {
        board.outb(CMD + Ata.DEVICE, 0xA0 | device << 4);
    }

    /** LBA28 address and count in the task file, device 0. */
    void lba28(long lba, int count) {
        board.outb(CMD + Ata.SECTOR_COUNT, count);
        board.outb(CMD + Ata.LBA_LOW, (int) lba);
        board.outb(CMD + Ata.LBA_MID, (int) (lba >> 8));
        board.outb(CMD + Ata.LBA_HIGH, (int) (lba >> 16));
        board.outb(CMD + Ata.DEVICE, 0xE0 | (int) (lba >> 24) & 0x0F);
    }

    /** LBA48 address and count: high bytes first, as the HOB FIFO wants. */
    void lba48(long lba, int count) {
        board.outb(CMD + Ata.SECTOR_COUNT, count >> 8);
        board.outb(CMD + Ata.LBA_LOW, (int) (lba >> 24));
        board.outb(CMD + Ata.LBA_MID, (int) (lba >> 32));
        board.outb(CMD + Ata.LBA_HIGH, (int) (lba >> 40));
        board.outb(CMD + Ata.SECTOR_COUNT, count);
        board.outb(CMD + Ata.LBA_LOW, (int) lba);
        board.outb(CMD + Ata.LBA_MID, (int) (lba >> 8));
        board.outb(CMD + Ata.LBA_HIGH, (int) (lba >> 16));
        board.outb(CMD + Ata.DEVICE, 0x40);
    }

    void command(int command) {
        board.outb(CMD + Ata.STATUS_COMMAND, command);
    }

    /** Reads {@code bytes} through the data port, 16 bits at a time. */
    byte[] readData(int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i += 2) {
            int w = board.in(CMD, 2);
            out[i] = (byte) w;
            out[i + 1] = (byte) (w >> 8);
        }
        return out;
    }

    void writeData(byte[] data) {
        for (int i = 0; i < data.length; i += 2) {
            board.out(CMD, 2, (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8);
        }
    }

    /** A PRD table at {@link #PRD_TABLE} of (address, bytes) pairs, the last one flagged end-of-table. */
    void prdTable(long... regions) {
        for (int i = 0; i < regions.length; i += 2) {
            long entry = PRD_TABLE + 4L * i;
            board.memory.write(entry, 4, regions[i]);
            long control = regions[i + 1] & 0xFFFF;
            if (i + 2 == regions.length) {
                control |= 0x8000_0000L;
            }
            board.memory.write(entry + 4, 4, control);
        }
        board.out(BM + BusMasterDma.PRD_POINTER, 4, (int) PRD_TABLE);
    }

    void startDma(boolean toMemory) {
        board.outb(BM + BusMasterDma.COMMAND, BusMasterDma.COMMAND_START
                | (toMemory ? BusMasterDma.COMMAND_TO_MEMORY : 0));
    }

    void stopDma() {
        board.outb(BM + BusMasterDma.COMMAND, 0);
    }

    int bmStatus() {
        return board.inb(BM + BusMasterDma.STATUS);
    }

    byte[] memory(long address, int length) {
        byte[] b = new byte[length];
        board.memory.readBytes(address, b, 0, length);
        return b;
    }

    static int word(byte[] identify, int index) {
        return (identify[2 * index] & 0xFF) | (identify[2 * index + 1] & 0xFF) << 8;
    }

    static String ataString(byte[] identify, int index, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            int w = word(identify, index + i);
            s.append((char) (w >> 8)).append((char) (w & 0xFF));
        }
        return s.toString().trim();
    }
}
