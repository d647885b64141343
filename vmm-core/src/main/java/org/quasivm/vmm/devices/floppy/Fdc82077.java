package org.quasivm.vmm.devices.floppy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.devices.dma.DmaChannel;

/**
 * The Intel 82077AA floppy disk controller in PC-AT mode, on its ISA DMA channel, with up to two drives.
 *
 * <p>Registers (offsets from 3F0h): 0/1 status A/B, 2 DOR, 3 tape drive, 4 MSR (read) / DSR (write), 5 FIFO,
 * 7 DIR (read) / CCR (write). Commands: SPECIFY, SENSE DRIVE STATUS, WRITE DATA, READ DATA, RECALIBRATE, SENSE
 * INTERRUPT STATUS, READ ID, FORMAT TRACK, DUMPREG, SEEK, VERSION, PERPENDICULAR MODE, CONFIGURE, LOCK; anything
 * else is answered as invalid (a single ST0 of 80h), which is how the Linux driver tells the 82077AA from later
 * parts. Data moves by DMA or, after SPECIFY with ND set, through the FIFO.
 *
 * <p>This is the controller that had VENOM: every index into the command, result and data buffers is bounded where
 * it is used, and the command length comes from a fixed table, never from the guest.
 */
public final class Fdc82077 {

    // register offsets
    static final int SRA = 0;
    static final int SRB = 1;
    static final int DOR = 2;
    static final int TDR = 3;
    static final int MSR_DSR = 4;
    static final int FIFO = 5;
    static final int DIR_CCR = 7;

    static final int DOR_SELECT = 0x03;
    static final int DOR_NRESET = 0x04;
    static final int DOR_DMA_IRQ = 0x08;
    static final int DSR_RESET = 0x80;

    static final int MSR_RQM = 0x80;
    static final int MSR_DIO = 0x40;
    static final int MSR_NDMA = 0x20;
    static final int MSR_CB = 0x10;

    static final int ST0_ABNORMAL = 0x40;
    static final int ST0_INVALID = 0x80;
    static final int ST0_POLLED = 0xC0;
    static final int ST0_SEEK_END = 0x20;
    static final int ST0_EQUIPMENT_CHECK = 0x10;
    static final int ST1_END_OF_CYLINDER = 0x80;
    static final int ST1_NO_DATA = 0x04;
    static final int ST1_NOT_WRITABLE = 0x02;
    static final int ST1_MISSING_ADDRESS_MARK = 0x01;
    static final int ST2_WRONG_CYLINDER = 0x10;
    static final int ST3_WRITE_PROTECTED = 0x40;
    static final int ST3_READY = 0x20;
    static final int ST3_TRACK0 = 0x10;
    static final int ST3_TWO_SIDED = 0x08;

    static final int CONFIG_EIS = 0x40;
    static final int CONFIG_POLL_DISABLED = 0x10;

    static final int CMD_SPECIFY = 0x03;
    static final int CMD_SENSE_DRIVE_STATUS = 0x04;
    static final int CMD_WRITE_DATA = 0x05;
    static final int CMD_READ_DATA = 0x06;
    static final int CMD_RECALIBRATE = 0x07;
    static final int CMD_SENSE_INTERRUPT = 0x08;
    static final int CMD_READ_ID = 0x0A;
    static final int CMD_FORMAT_TRACK = 0x0D;
    static final int CMD_DUMPREG = 0x0E;
    static final int CMD_SEEK = 0x0F;
    static final int CMD_VERSION = 0x10;
    static final int CMD_PERPENDICULAR = 0x12;
    static final int CMD_CONFIGURE = 0x13;
    static final int CMD_LOCK = 0x14;
    static final int VERSION_82077AA = 0x90;

    static final int MAX_COMMAND = 9;
    static final int MAX_RESULT = 10;
    private static final int SECTOR = FloppyGeometry.SECTOR_SIZE;

    private enum Phase { COMMAND, EXECUTION, RESULT }

    private enum Operation { NONE, READ, WRITE, FORMAT }

    private final IrqLine irq;
    private final DmaChannel dma;
    private final FloppyDrive[] drives = new FloppyDrive[4];
    private final byte[] command = new byte[MAX_COMMAND];
    private final byte[] result = new byte[MAX_RESULT];
    private final byte[] data = new byte[4 * 256];           // one sector, or the IDs of a format (4 x 255)
    private final byte[] filler = new byte[SECTOR];
    private final ByteBuffer io = ByteBuffer.wrap(data, 0, SECTOR);
    private final DmaChannel.Requester dmaService = channel -> transferByDma();

    private Phase phase = Phase.COMMAND;
    private int commandLength;
    private int commandUsed;
    private int resultLength;
    private int resultUsed;
    private int dataPosition;
    private int dataLength;

    private int dor;
    private int tdr;
    private int dataRate;
    private int specify1;
    private int specify2;
    private int config;
    private int preTrack;
    private boolean locked;
    private int perpendicular;
    private int lastEot;
    private boolean interruptPending;
    private int pollSensesLeft;
    private int seekStatus;
    private int seekDrive = -1;

    // the data operation in progress
    private Operation operation = Operation.NONE;
    private int opDrive;
    private int opCylinder;
    private int opHead;
    private int opSector;
    private int opEot;
    private boolean opMultiTrack;
    private int formatSectors;
    private int formatFiller;

    public Fdc82077(IrqLine irq, DmaChannel dma) {
        this.irq = Objects.requireNonNull(irq, "irq");
        this.dma = Objects.requireNonNull(dma, "dma");
        powerOn();
    }

    /** Connects {@code drive} as unit 0 or 1 (null: none). */
    public void attach(int unit, FloppyDrive drive) {
        Objects.checkIndex(unit, 2);
        drives[unit] = drive;
    }

    public FloppyDrive drive(int unit) {
        return drives[Objects.checkIndex(unit, 4)];
    }

    /** Power-on and system reset: DOR cleared (the controller held in reset) and every register to its default. */
    public void powerOn() {
        dor = 0;
        tdr = 0;
        specify1 = 0;
        specify2 = 0;
        locked = false;
        config = 0;
        preTrack = 0;
        reset(false);
    }

    private final BusDevice registers = new BusDevice() {
        @Override
        public int read(int offset, int size) {
            return readRegister(offset) & 0xFF;
        }

        @Override
        public void write(int offset, int size, int value) {
            writeRegister(offset, value & 0xFF);
        }
    };

    /** Ports 3F0h-3F7h (the board maps 3F6h to the IDE controller). */
    public BusDevice registers() {
        return registers;
    }

    // ---- registers

    private int readRegister(int offset) {
        return switch (offset) {
            case SRA -> interruptPending ? 0x80 : 0;
            case SRB -> 0xC0;
            case DOR -> dor;
            case TDR -> tdr;
            case MSR_DSR -> mainStatus();
            case FIFO -> readFifo();
            case DIR_CCR -> {
                FloppyDrive d = drives[dor & DOR_SELECT];
                yield d != null && d.diskChanged() ? 0x80 : 0;
            }
            default -> 0xFF;
        };
    }

    private void writeRegister(int offset, int value) {
        switch (offset) {
            case DOR -> writeDor(value);
            case TDR -> tdr = value & 0x03;
            case MSR_DSR -> {
                dataRate = value & 0x03;
                if ((value & DSR_RESET) != 0) {
                    reset(true);
                }
            }
            case FIFO -> writeFifo(value);
            case DIR_CCR -> dataRate = value & 0x03;
            default -> { }
        }
    }

    private void writeDor(int value) {
        boolean wasReset = (dor & DOR_NRESET) == 0;
        dor = value;
        if ((value & DOR_NRESET) == 0) {
            phase = Phase.COMMAND;
            commandUsed = 0;
            operation = Operation.NONE;
        } else if (wasReset) {
            reset(true);
        }
        updateIrq();
    }

    private int mainStatus() {
        if ((dor & DOR_NRESET) == 0) {
            return 0;
        }
        return switch (phase) {
            case COMMAND -> MSR_RQM | (commandUsed > 0 ? MSR_CB : 0);
            case RESULT -> MSR_RQM | MSR_DIO | MSR_CB;
            case EXECUTION -> {
                if (!nonDma()) {
                    yield MSR_CB;
                }
                yield MSR_RQM | MSR_NDMA | MSR_CB | (operation == Operation.READ ? MSR_DIO : 0);
            }
        };
    }

    private boolean nonDma() {
        return (specify2 & 0x01) != 0;
    }

    /** Controller reset (DOR or DSR): the interface to its idle state, then an interrupt and four polled senses. */
    private void reset(boolean interrupt) {
        phase = Phase.COMMAND;
        commandUsed = 0;
        resultLength = resultUsed = 0;
        operation = Operation.NONE;
        dma.request(false, dmaService);
        if (!locked) {
            config = 0;
            preTrack = 0;
        }
        perpendicular &= 0x80;
        seekDrive = -1;
        pollSensesLeft = 0;
        interruptPending = false;
        if (interrupt) {
            pollSensesLeft = (config & CONFIG_POLL_DISABLED) == 0 ? 4 : 0;
            raise();
        } else {
            updateIrq();
        }
    }

    private void raise() {
        interruptPending = true;
        updateIrq();
    }

    private void lower() {
        interruptPending = false;
        updateIrq();
    }

    private void updateIrq() {
        irq.setLevel(interruptPending && (dor & DOR_DMA_IRQ) != 0);
    }

    public boolean interruptPending() {
        return interruptPending;
    }

    // ---- the FIFO

    private int readFifo() {
        if ((dor & DOR_NRESET) == 0) {
            return 0;
        }
        if (phase == Phase.RESULT) {
            lower();
            int value = result[Math.min(resultUsed, MAX_RESULT - 1)] & 0xFF;
            if (++resultUsed >= resultLength) {
                phase = Phase.COMMAND;
                commandUsed = 0;
            }
            return value;
        }
        if (phase == Phase.EXECUTION && nonDma() && operation == Operation.READ) {
            int value = data[Math.min(dataPosition, SECTOR - 1)] & 0xFF;
            if (++dataPosition >= dataLength) {
                sectorMoved();
            }
            return value;
        }
        return 0;
    }

    private void writeFifo(int value) {
        if ((dor & DOR_NRESET) == 0) {
            return;
        }
        if (phase == Phase.EXECUTION) {
            if (nonDma() && (operation == Operation.WRITE || operation == Operation.FORMAT)) {
                data[Math.min(dataPosition, data.length - 1)] = (byte) value;
                if (++dataPosition >= dataLength) {
                    if (operation == Operation.WRITE) {
                        sectorMoved();
                    } else {
                        formatIdsReceived();
                    }
                }
            }
            return;
        }
        if (phase != Phase.COMMAND) {
            return;   // the host must read the result first
        }
        if (commandUsed == 0) {
            lower();
            commandLength = commandLength(value);
            if (commandLength == 0) {
                invalid();
                return;
            }
        }
        command[Math.min(commandUsed, MAX_COMMAND - 1)] = (byte) value;
        if (++commandUsed >= commandLength) {
            commandUsed = 0;
            execute();
        }
    }

    /** Bytes in the command that starts with {@code first}, or 0 if it is not an 82077AA command. */
    static int commandLength(int first) {
        if ((first & 0x1F) == CMD_READ_DATA) {
            return 9;                                  // MT, MFM, SK allowed
        }
        if ((first & 0x3F) == CMD_WRITE_DATA) {
            return 9;                                  // MT, MFM
        }
        if ((first & 0xBF) == CMD_READ_ID) {
            return 2;
        }
        if ((first & 0xBF) == CMD_FORMAT_TRACK) {
            return 6;
        }
        if ((first & 0x7F) == CMD_LOCK) {
            return 1;
        }
        return switch (first) {
            case CMD_SPECIFY -> 3;
            case CMD_SENSE_DRIVE_STATUS, CMD_RECALIBRATE, CMD_PERPENDICULAR -> 2;
            case CMD_SENSE_INTERRUPT, CMD_DUMPREG, CMD_VERSION -> 1;
            case CMD_SEEK -> 3;
            case CMD_CONFIGURE -> 4;
            default -> 0;
        };
    }

    private void invalid() {
        commandUsed = 0;
        results(ST0_INVALID);
    }

    /** Enters the result phase with {@code bytes} (at most {@link #MAX_RESULT}). */
    private void results(int... bytes) {
        int n = Math.min(bytes.length, MAX_RESULT);
        for (int i = 0; i < n; i++) {
            result[i] = (byte) bytes[i];
        }
        resultLength = n;
        resultUsed = 0;
        phase = Phase.RESULT;
    }

    private int arg(int index) {
        return command[index] & 0xFF;
    }

    // ---- commands

    private void execute() {
        int first = arg(0);
        switch (first & 0x1F) {
            case CMD_READ_DATA -> startData(Operation.READ);
            case CMD_WRITE_DATA -> startData(Operation.WRITE);
            case CMD_READ_ID -> readId();
            case CMD_FORMAT_TRACK -> startFormat();
            case CMD_LOCK -> {
                locked = (first & 0x80) != 0;
                results(locked ? 0x10 : 0x00);
            }
            case CMD_SPECIFY -> {
                specify1 = arg(1);
                specify2 = arg(2);
            }
            case CMD_SENSE_DRIVE_STATUS -> senseDriveStatus();
            case CMD_RECALIBRATE -> seek(arg(1) & 3, 0);
            case CMD_SENSE_INTERRUPT -> senseInterrupt();
            case CMD_DUMPREG -> dumpRegisters();
            case CMD_SEEK -> seek(arg(1) & 3, arg(2));
            case CMD_VERSION -> results(VERSION_82077AA);
            case CMD_PERPENDICULAR -> perpendicular = arg(1);
            case CMD_CONFIGURE -> {
                config = arg(2);
                preTrack = arg(3);
            }
            default -> invalid();
        }
    }

    private void senseDriveStatus() {
        int unit = arg(1) & 3;
        int head = (arg(1) >> 2) & 1;
        FloppyDrive d = drives[unit];
        int st3 = head << 2 | unit;
        if (d != null) {
            st3 |= ST3_READY | ST3_TWO_SIDED | (d.cylinder == 0 ? ST3_TRACK0 : 0)
                    | (d.isWriteProtected() ? ST3_WRITE_PROTECTED : 0);
        }
        results(st3);
    }

    private void seek(int unit, int cylinder) {
        FloppyDrive d = drives[unit];
        int head = (arg(1) >> 2) & 1;
        if (d == null) {
            seekStatus = ST0_ABNORMAL | ST0_SEEK_END | ST0_EQUIPMENT_CHECK | head << 2 | unit;
        } else {
            d.seek(cylinder);
            seekStatus = ST0_SEEK_END | head << 2 | unit;
        }
        seekDrive = unit;
        raise();
    }

    private void senseInterrupt() {
        if (pollSensesLeft > 0) {
            int unit = 4 - pollSensesLeft--;
            results(ST0_POLLED | unit, cylinderOf(unit));
        } else if (seekDrive >= 0) {
            int unit = seekDrive;
            seekDrive = -1;
            results(seekStatus, cylinderOf(unit));
        } else {
            results(ST0_INVALID);
        }
        lower();
    }

    private int cylinderOf(int unit) {
        FloppyDrive d = drives[unit & 3];
        return d == null ? 0 : d.cylinder & 0xFF;
    }

    private void dumpRegisters() {
        results(cylinderOf(0), cylinderOf(1), cylinderOf(2), cylinderOf(3), specify1, specify2, lastEot,
                (locked ? 0x80 : 0) | (perpendicular & 0x7F), config, preTrack);
    }

    /** Whether the medium in {@code d} can be read at the current data rate and cylinder. */
    private boolean readable(FloppyDrive d) {
        return d != null && d.hasMedium() && d.geometry().rate() == dataRate && d.cylinder < d.geometry().tracks();
    }

    private void readId() {
        int unit = arg(1) & 3;
        int head = (arg(1) >> 2) & 1;
        FloppyDrive d = drives[unit];
        if (!readable(d)) {
            results(ST0_ABNORMAL | head << 2 | unit, ST1_MISSING_ADDRESS_MARK, 0, cylinderOf(unit), head, 1, 2);
        } else {
            results(head << 2 | unit, 0, 0, d.cylinder, head, 1, 2);
        }
        raise();
    }

    // ---- READ DATA / WRITE DATA

    private void startData(Operation op) {
        int unit = arg(1) & 3;
        int head = (arg(1) >> 2) & 1;
        opDrive = unit;
        opCylinder = arg(2);
        opHead = arg(3);
        opSector = arg(4);
        opEot = arg(6);
        lastEot = opEot;
        opMultiTrack = (arg(0) & 0x80) != 0;
        FloppyDrive d = drives[unit];
        if (d != null && (config & CONFIG_EIS) != 0) {
            d.seek(opCylinder);      // implied seek
        }
        if (!readable(d)) {
            finish(ST0_ABNORMAL, ST1_MISSING_ADDRESS_MARK, 0);
            return;
        }
        if (op == Operation.WRITE && d.isWriteProtected()) {
            finish(ST0_ABNORMAL, ST1_NOT_WRITABLE, 0);
            return;
        }
        if (opCylinder != d.cylinder) {
            finish(ST0_ABNORMAL, ST1_NO_DATA, ST2_WRONG_CYLINDER);
            return;
        }
        if (arg(5) != 2 || opHead != head || opHead >= d.geometry().heads() || !sectorExists(d)) {
            finish(ST0_ABNORMAL, ST1_NO_DATA, 0);
            return;
        }
        operation = op;
        phase = Phase.EXECUTION;
        if (nonDma()) {
            beginSectorByFifo();
            raise();
        } else {
            dma.request(true, dmaService);
        }
    }

    private boolean sectorExists(FloppyDrive d) {
        return opSector >= 1 && opSector <= d.geometry().sectorsPerTrack();
    }

    private long sectorOffset(FloppyDrive d) {
        FloppyGeometry g = d.geometry();
        return (((long) opCylinder * g.heads() + opHead) * g.sectorsPerTrack() + opSector - 1) * SECTOR;
    }

    /** Moves sectors by DMA until the terminal count, the end of the track, or the channel stops taking data. */
    private void transferByDma() {
        if (phase != Phase.EXECUTION || nonDma()) {
            return;
        }
        if (operation == Operation.FORMAT) {
            int moved = dma.fromMemory(data, dataPosition, dataLength - dataPosition);
            dataPosition += moved;
            if (dataPosition >= dataLength || dma.terminalCount()) {
                formatIdsReceived();
            }
            return;
        }
        FloppyDrive d = drives[opDrive];
        while (phase == Phase.EXECUTION) {
            if (operation == Operation.READ) {
                if (!readSector(d)) {
                    return;
                }
                int moved = dma.toMemory(data, 0, SECTOR);
                if (moved == 0 && !dma.terminalCount()) {
                    return;       // the channel stopped (masked, reprogrammed): wait to be served again
                }
            } else {
                Arrays.fill(data, 0, SECTOR, (byte) 0);
                int moved = dma.fromMemory(data, 0, SECTOR);
                if (moved == 0 && !dma.terminalCount()) {
                    return;
                }
                if (!writeSector(d)) {
                    return;
                }
            }
            if (!advance(d, dma.terminalCount())) {
                return;
            }
        }
    }

    private boolean readSector(FloppyDrive d) {
        try {
            io.clear();
            d.medium().read(sectorOffset(d), io);
            return true;
        } catch (IOException | UncheckedIOException e) {
            finish(ST0_ABNORMAL, 0x20, 0x20);    // data error in the ID and the data field (CRC)
            return false;
        }
    }

    private boolean writeSector(FloppyDrive d) {
        try {
            io.clear();
            d.medium().write(sectorOffset(d), io);
            return true;
        } catch (IOException | UncheckedIOException e) {
            finish(ST0_ABNORMAL, ST1_NOT_WRITABLE, 0);
            return false;
        }
    }

    /**
     * After a sector: to the next one, or the end of the command — normally at the terminal count, abnormally
     * (end of cylinder) at the end of the track without one. Returns whether the transfer goes on.
     */
    private boolean advance(FloppyDrive d, boolean terminalCount) {
        boolean endOfTrack = opSector >= opEot || opSector >= d.geometry().sectorsPerTrack();
        if (endOfTrack) {
            opSector = 1;
            if (opMultiTrack && opHead == 0 && d.geometry().heads() > 1) {
                opHead = 1;
                if (!terminalCount) {
                    return true;
                }
            } else {
                opHead = opMultiTrack ? 0 : opHead;
                opCylinder++;
                if (!terminalCount) {
                    finish(ST0_ABNORMAL, ST1_END_OF_CYLINDER, 0);
                    return false;
                }
            }
        } else {
            opSector++;
        }
        if (terminalCount) {
            finish(0, 0, 0);
            return false;
        }
        return true;
    }

    private void beginSectorByFifo() {
        dataPosition = 0;
        dataLength = SECTOR;
        if (operation == Operation.READ && !readSector(drives[opDrive])) {
            return;
        }
    }

    /** A whole sector went through the FIFO (non-DMA mode). */
    private void sectorMoved() {
        FloppyDrive d = drives[opDrive];
        if (operation == Operation.WRITE && !writeSector(d)) {
            return;
        }
        boolean endOfTrack = opSector >= opEot || opSector >= d.geometry().sectorsPerTrack();
        if (endOfTrack && !(opMultiTrack && opHead == 0 && d.geometry().heads() > 1)) {
            // without a terminal count in non-DMA mode, a transfer ends at the end of the track
            opSector = 1;
            opCylinder++;
            finish(ST0_ABNORMAL, ST1_END_OF_CYLINDER, 0);
            return;
        }
        if (endOfTrack) {
            opHead = 1;
            opSector = 1;
        } else {
            opSector++;
        }
        beginSectorByFifo();
    }

    private void finish(int st0, int st1, int st2) {
        operation = Operation.NONE;
        dma.request(false, dmaService);
        int head = (arg(1) >> 2) & 1;
        results(st0 | head << 2 | opDrive, st1, st2, opCylinder & 0xFF, opHead & 0xFF, opSector & 0xFF, 2);
        raise();
    }

    // ---- FORMAT TRACK

    private void startFormat() {
        int unit = arg(1) & 3;
        opDrive = unit;
        opHead = (arg(1) >> 2) & 1;
        opCylinder = cylinderOf(unit);
        opSector = 1;
        FloppyDrive d = drives[unit];
        if (!readable(d)) {
            finish(ST0_ABNORMAL, ST1_MISSING_ADDRESS_MARK, 0);
            return;
        }
        if (d.isWriteProtected()) {
            finish(ST0_ABNORMAL, ST1_NOT_WRITABLE, 0);
            return;
        }
        formatSectors = arg(3);
        formatFiller = arg(5);
        lastEot = formatSectors;
        if (arg(2) != 2 || formatSectors == 0) {
            finish(ST0_ABNORMAL, ST1_NO_DATA, 0);
            return;
        }
        operation = Operation.FORMAT;
        phase = Phase.EXECUTION;
        dataPosition = 0;
        dataLength = 4 * formatSectors;              // at most 4 x 255 bytes: fits the buffer
        if (nonDma()) {
            raise();
        } else {
            dma.request(true, dmaService);
        }
    }

    /** The sector IDs of a format arrived: fill each sector of this track they name with the filler byte. */
    private void formatIdsReceived() {
        FloppyDrive d = drives[opDrive];
        FloppyGeometry g = d.geometry();
        Arrays.fill(filler, (byte) formatFiller);
        int ids = dataPosition / 4;
        for (int i = 0; i < ids; i++) {
            int c = data[4 * i] & 0xFF;
            int h = data[4 * i + 1] & 0xFF;
            int r = data[4 * i + 2] & 0xFF;
            int n = data[4 * i + 3] & 0xFF;
            if (c != d.cylinder || h != opHead || n != 2 || r < 1 || r > g.sectorsPerTrack() || h >= g.heads()) {
                continue;    // a layout the image cannot hold: the sector is not written
            }
            long offset = (((long) c * g.heads() + h) * g.sectorsPerTrack() + r - 1) * SECTOR;
            try {
                d.medium().write(offset, filler, 0, SECTOR);
            } catch (IOException | UncheckedIOException e) {
                finish(ST0_ABNORMAL, ST1_NOT_WRITABLE, 0);
                return;
            }
            opSector = r;
        }
        finish(0, 0, 0);
    }
}
