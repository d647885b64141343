package org.quasivm.vmm.devices.ide;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * One channel's bus-master IDE registers (command, status, PRD table pointer) and the engine that walks the
 * physical region descriptor table, moving bytes between guest memory and the selected device's buffer.
 *
 * <p>Status bits follow the PIIX datasheet: when the device finishes, Interrupt is set and Active stays set if the
 * PRD table had room left; when the table runs out first, Active clears without an interrupt and the device keeps
 * waiting for a new table. The table is read from guest memory (untrusted): entries are masked to their defined
 * bits and at most {@link #MAX_ENTRIES} are read per start, so a table without an end-of-table bit cannot loop.
 */
final class BusMasterDma implements BusDevice {

    static final int COMMAND = 0;
    static final int STATUS = 2;
    static final int PRD_POINTER = 4;

    static final int COMMAND_START = 0x01;
    static final int COMMAND_TO_MEMORY = 0x08;
    static final int STATUS_ACTIVE = 0x01;
    static final int STATUS_ERROR = 0x02;
    static final int STATUS_INTERRUPT = 0x04;
    static final int STATUS_DRIVE_CAPABLE = 0x60;

    /** A PRD table fits in one 64 KiB page: 8192 entries at most. */
    static final int MAX_ENTRIES = 0x1_0000 / 8;
    private static final long END_OF_TABLE = 0x8000_0000L;

    private final IdeChannel channel;
    private final PcMemoryMap memory;

    private int command;
    private int status;
    private int tablePointer;

    private long bytesMoved;
    private int entryIndex;
    private long regionAddress;
    private int regionLeft;
    private boolean lastRegion;

    BusMasterDma(IdeChannel channel, PcMemoryMap memory) {
        this.channel = channel;
        this.memory = memory;
    }

    void reset() {
        command = 0;
        status = 0;
        tablePointer = 0;
        entryIndex = 0;
        regionLeft = 0;
        lastRegion = false;
    }

    void interruptRaised() {
        status |= STATUS_INTERRUPT;
    }

    // ---- registers

    @Override
    public int read(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size && offset + i < 8; i++) {
            value |= readByte(offset + i) << (8 * i);
        }
        return value;
    }

    private int readByte(int offset) {
        return switch (offset) {
            case COMMAND -> command;
            case STATUS -> status;
            case PRD_POINTER, PRD_POINTER + 1, PRD_POINTER + 2, PRD_POINTER + 3 ->
                    (tablePointer >>> (8 * (offset - PRD_POINTER))) & 0xFF;
            default -> 0;
        };
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset == PRD_POINTER && size == 4) {
            tablePointer = value & ~3;
            return;
        }
        for (int i = 0; i < size && offset + i < 8; i++) {
            writeByte(offset + i, (value >>> (8 * i)) & 0xFF);
        }
    }

    private void writeByte(int offset, int value) {
        switch (offset) {
            case COMMAND -> writeCommand(value);
            case STATUS -> status = (status & ~(STATUS_DRIVE_CAPABLE | (value & (STATUS_ERROR | STATUS_INTERRUPT))))
                    | (value & STATUS_DRIVE_CAPABLE);
            case PRD_POINTER, PRD_POINTER + 1, PRD_POINTER + 2, PRD_POINTER + 3 -> {
                int shift = 8 * (offset - PRD_POINTER);
                tablePointer = ((tablePointer & ~(0xFF << shift)) | (value << shift)) & ~3;
            }
            default -> { }
        }
    }

    private void writeCommand(int value) {
        boolean wasStarted = (command & COMMAND_START) != 0;
        command = value & (COMMAND_START | COMMAND_TO_MEMORY);
        if ((value & COMMAND_START) == 0) {
            status &= ~STATUS_ACTIVE;
        } else if (!wasStarted) {
            status |= STATUS_ACTIVE;
            entryIndex = 0;
            regionLeft = 0;
            lastRegion = false;
            run();
        }
    }

    // ---- the engine

    /** Moves data while the engine is active and the selected device has a DMA transfer waiting. */
    void run() {
        if ((status & STATUS_ACTIVE) == 0) {
            return;
        }
        IdeDevice device = channel.selectedDevice();
        if (device == null || !device.dmaPending()) {
            return;
        }
        while (device.dmaPending()) {
            if (regionLeft == 0) {
                if (lastRegion || entryIndex >= MAX_ENTRIES) {
                    status &= ~STATUS_ACTIVE;  // the table ran out: the device keeps waiting, no interrupt
                    return;
                }
                loadEntry();
                continue;
            }
            int n = Math.min(regionLeft, device.windowRemaining());
            if (device.phase == IdeDevice.Phase.DMA_IN) {
                memory.writeBytes(regionAddress, device.buffer, device.position, n);
            } else {
                memory.readBytes(regionAddress, device.buffer, device.position, n);
            }
            device.position += n;
            bytesMoved += n;
            regionAddress = (regionAddress + n) & 0xFFFF_FFFFL;
            regionLeft -= n;
            if (device.windowRemaining() == 0) {
                device.windowDone();
            }
        }
        if (regionLeft == 0 && lastRegion) {
            status &= ~STATUS_ACTIVE;          // the table and the transfer ended together
        }
    }

    private void loadEntry() {
        long entry = (tablePointer & 0xFFFF_FFFFL) + 8L * entryIndex++;
        long address = memory.read(entry, 4) & 0xFFFF_FFFEL;
        long control = memory.read(entry + 4, 4);
        int count = (int) (control & 0xFFFE);
        regionAddress = address;
        regionLeft = count == 0 ? 0x1_0000 : count;
        lastRegion = (control & END_OF_TABLE) != 0;
    }

    int status() {
        return status;
    }

    /** Bytes moved by this engine since power-on (never reset: a statistic for tests and the VM log). */
    long bytesMoved() {
        return bytesMoved;
    }
}
