package org.quasivm.vmm.devices.ide;

import java.util.Objects;

/**
 * One device on an IDE channel (master or slave): its copy of the task file, its status and error registers, and
 * the data transfer machinery both ATA disks and ATAPI drives use.
 *
 * <p>A transfer moves bytes through a <em>window</em> of the device buffer, {@code [position, end)}: in PIO the CPU
 * empties or fills it through the data port, in DMA the bus master does. When the window is used up the device's
 * {@link #windowDone()} decides what follows (the next block, a write to the medium, the end of the command). All
 * commands complete synchronously: the guest never waits on a host I/O thread, which keeps deterministic runs
 * deterministic.
 *
 * <p>VM thread only. Every guest-controlled value is bounded where it is used.
 */
public abstract sealed class IdeDevice permits AtaDisk, AtapiCdrom {

    /** The device buffer: the largest PIO block or DMA chunk moved at once. */
    static final int BUFFER_SIZE = 128 * 1024;

    enum Phase { IDLE, PIO_IN, PIO_OUT, DMA_IN, DMA_OUT }

    // the task file: current values and the previous ("high order byte") ones for 48-bit commands
    int feature;
    int sectorCount;
    int lbaLow;
    int lbaMid;
    int lbaHigh;
    int device;
    int hobFeature;
    int hobSectorCount;
    int hobLbaLow;
    int hobLbaMid;
    int hobLbaHigh;
    int status;
    int error;

    final byte[] buffer = new byte[BUFFER_SIZE];
    int position;
    int end;
    Phase phase = Phase.IDLE;
    private IdeBus bus = IdeBus.NONE;

    final void connect(IdeBus channel) {
        this.bus = Objects.requireNonNull(channel, "channel");
    }

    // ---- registers (the channel dispatches here)

    /** A write to command block register 1-6; the previous value moves to the HOB copy. */
    final void writeRegister(int offset, int value) {
        value &= 0xFF;
        switch (offset) {
            case Ata.ERROR_FEATURE -> {
                hobFeature = feature;
                feature = value;
            }
            case Ata.SECTOR_COUNT -> {
                hobSectorCount = sectorCount;
                sectorCount = value;
            }
            case Ata.LBA_LOW -> {
                hobLbaLow = lbaLow;
                lbaLow = value;
            }
            case Ata.LBA_MID -> {
                hobLbaMid = lbaMid;
                lbaMid = value;
            }
            case Ata.LBA_HIGH -> {
                hobLbaHigh = lbaHigh;
                lbaHigh = value;
            }
            case Ata.DEVICE -> device = value;
            default -> { }
        }
    }

    /** A read of command block register 1-7 ({@code hob}: the device control HOB bit is set). */
    final int readRegister(int offset, boolean hob) {
        return switch (offset) {
            case Ata.ERROR_FEATURE -> hob ? 0 : error;
            case Ata.SECTOR_COUNT -> hob ? hobSectorCount : sectorCount;
            case Ata.LBA_LOW -> hob ? hobLbaLow : lbaLow;
            case Ata.LBA_MID -> hob ? hobLbaMid : lbaMid;
            case Ata.LBA_HIGH -> hob ? hobLbaHigh : lbaHigh;
            case Ata.DEVICE -> device;
            case Ata.STATUS_COMMAND -> status;
            default -> 0;
        };
    }

    /** Whether the device takes a new command now: not while busy or mid-transfer, except a device reset. */
    final boolean acceptsCommand(int command) {
        return (status & (Ata.BSY | Ata.DRQ)) == 0 || command == Ata.DEVICE_RESET;
    }

    /** Runs a command written to the command register. */
    abstract void execute(int command);

    /** The current window has been emptied (data in) or filled (data out). */
    abstract void windowDone();

    // ---- the data port

    /** A PIO read of 1, 2 or 4 bytes; outside a data-in phase the port reads as zero. */
    final int readData(int size) {
        if (phase != Phase.PIO_IN) {
            return 0;
        }
        int n = Math.min(size, end - position);
        int value = 0;
        for (int i = 0; i < n; i++) {
            value |= (buffer[position + i] & 0xFF) << (8 * i);
        }
        position += n;
        if (position >= end) {
            windowDone();
        }
        return value;
    }

    /** A PIO write of 1, 2 or 4 bytes; ignored outside a data-out phase. */
    final void writeData(int size, int value) {
        if (phase != Phase.PIO_OUT) {
            return;
        }
        int n = Math.min(size, end - position);
        for (int i = 0; i < n; i++) {
            buffer[position + i] = (byte) (value >>> (8 * i));
        }
        position += n;
        if (position >= end) {
            windowDone();
        }
    }

    final boolean dmaPending() {
        return phase == Phase.DMA_IN || phase == Phase.DMA_OUT;
    }

    final int windowRemaining() {
        return end - position;
    }

    // ---- transfer helpers for the command sets

    /** Opens a data-in window of {@code length} bytes (already in the buffer) for the CPU. */
    final void pioIn(int length) {
        pioIn(0, length);
    }

    /** Opens a data-in window over buffer bytes {@code [start, start + length)}. */
    final void pioIn(int start, int length) {
        phase = Phase.PIO_IN;
        position = start;
        end = start + length;
    }

    /** Opens a data-out window of {@code length} bytes for the CPU to fill. */
    final void pioOut(int length) {
        phase = Phase.PIO_OUT;
        position = 0;
        end = length;
    }

    /** Offers {@code length} buffered bytes (in) or room for them (out) to the bus master. */
    final void dma(boolean toMemory, int length) {
        phase = toMemory ? Phase.DMA_IN : Phase.DMA_OUT;
        position = 0;
        end = length;
        bus.dmaRequest();
    }

    /** Continues a DMA transfer with a fresh window, from within {@link #windowDone()}. */
    final void dmaNext(int length) {
        dmaNext(0, length);
    }

    final void dmaNext(int start, int length) {
        position = start;
        end = start + length;
    }

    final void endTransfer() {
        phase = Phase.IDLE;
        position = 0;
        end = 0;
    }

    final void interrupt() {
        bus.raiseInterrupt();
    }

    // ---- resets

    /** Power-on or hardware reset: everything to its initial state. */
    void powerOn() {
        feature = hobFeature = hobSectorCount = hobLbaLow = hobLbaMid = hobLbaHigh = 0;
        device = 0;
        endTransfer();
        signature();
    }

    /** SRST asserted: the device is busy until it is released; a transfer in progress ends. */
    final void resetAsserted() {
        endTransfer();
        status = Ata.BSY;
    }

    /** SRST released, EXECUTE DEVICE DIAGNOSTIC or DEVICE RESET: signature and diagnostic code, settings kept. */
    void softReset() {
        endTransfer();
        signature();
    }

    /** Puts the reset signature in the task file and the post-reset status and error. */
    abstract void signature();

    /** Releases what the device holds (the host closes images itself). */
    abstract String describe();
}
