package org.quasivm.vmm.devices.ide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;

import org.quasivm.disk.BlockDevice;

/**
 * An ATA hard disk over a {@link BlockDevice}: IDENTIFY, PIO (single and multiple), bus-master DMA, 28- and 48-bit
 * LBA and CHS addressing, READ VERIFY, FLUSH CACHE reaching the image's flush, SET FEATURES, SET MULTIPLE MODE,
 * INITIALIZE DEVICE PARAMETERS and the power commands. An address past the end is IDNF; an unknown command is ABRT;
 * a read-only disk aborts writes without touching the image; a host I/O failure is UNC (read) or ABRT (write).
 */
public final class AtaDisk extends IdeDevice {

    /** The largest READ/WRITE MULTIPLE block (IDENTIFY word 47). */
    static final int MAX_MULTIPLE = 16;
    private static final long LBA28_LIMIT = 0x0FFF_FFFFL;

    private enum Transfer { NONE, IDENTIFY, SECTORS }

    private final BlockDevice disk;
    private final long sectors;
    private final boolean readOnly;
    private final String model;
    private final String serial;
    private final DiskGeometry defaultGeometry;
    private final ByteBuffer io;

    private int heads;
    private int sectorsPerTrack;
    private int multiple;
    private boolean writeCache;
    private int transferMode;

    private Transfer transfer = Transfer.NONE;
    private boolean writing;
    private boolean dma;
    private boolean lba48;
    private long lba;
    private long remaining;
    private int blockSectors;
    private int windowSectors;

    /**
     * @param disk     the image (its size is rounded down to whole sectors)
     * @param readOnly refuse writes even if the image is writable
     * @param serial   up to 20 characters for IDENTIFY
     */
    public AtaDisk(BlockDevice disk, boolean readOnly, String serial) {
        this.disk = Objects.requireNonNull(disk, "disk");
        this.sectors = disk.size() / Ata.SECTOR_SIZE;
        if (sectors < 1) {
            throw new IllegalArgumentException("a disk needs at least one sector, the image has " + disk.size()
                    + " bytes");
        }
        this.readOnly = readOnly || disk.isReadOnly();
        this.model = "QuasiVM HARDDISK";
        this.serial = Objects.requireNonNull(serial, "serial");
        this.defaultGeometry = DiskGeometry.forSectors(sectors);
        this.io = ByteBuffer.wrap(buffer);
        powerOn();
    }

    public long sectors() {
        return sectors;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    void powerOn() {
        heads = defaultGeometry.heads();
        sectorsPerTrack = defaultGeometry.sectorsPerTrack();
        multiple = 0;
        writeCache = true;
        transferMode = 0;
        transfer = Transfer.NONE;
        super.powerOn();
    }

    @Override
    void softReset() {
        transfer = Transfer.NONE;
        super.softReset();
    }

    @Override
    void signature() {
        sectorCount = 1;
        lbaLow = 1;
        lbaMid = 0;
        lbaHigh = 0;
        device = 0;
        status = Ata.DRDY | Ata.DSC;
        error = Ata.DIAGNOSTIC_PASSED;
    }

    @Override
    void execute(int command) {
        switch (command) {
            case Ata.READ_SECTORS, Ata.READ_SECTORS_NO_RETRY -> startSectors(false, false, false, 1);
            case Ata.READ_SECTORS_EXT -> startSectors(false, true, false, 1);
            case Ata.READ_MULTIPLE -> startMultiple(false, false);
            case Ata.READ_MULTIPLE_EXT -> startMultiple(false, true);
            case Ata.READ_DMA, Ata.READ_DMA_NO_RETRY -> startSectors(false, false, true, 0);
            case Ata.READ_DMA_EXT -> startSectors(false, true, true, 0);
            case Ata.WRITE_SECTORS, Ata.WRITE_SECTORS_NO_RETRY -> startSectors(true, false, false, 1);
            case Ata.WRITE_SECTORS_EXT -> startSectors(true, true, false, 1);
            case Ata.WRITE_MULTIPLE -> startMultiple(true, false);
            case Ata.WRITE_MULTIPLE_EXT -> startMultiple(true, true);
            case Ata.WRITE_DMA, Ata.WRITE_DMA_NO_RETRY -> startSectors(true, false, true, 0);
            case Ata.WRITE_DMA_EXT -> startSectors(true, true, true, 0);
            case Ata.READ_VERIFY, Ata.READ_VERIFY_NO_RETRY -> verify(false);
            case Ata.READ_VERIFY_EXT -> verify(true);
            case Ata.FLUSH_CACHE, Ata.FLUSH_CACHE_EXT -> flush();
            case Ata.IDENTIFY_DEVICE -> identify();
            case Ata.SET_FEATURES -> setFeatures();
            case Ata.SET_MULTIPLE_MODE -> setMultipleMode();
            case Ata.INITIALIZE_DEVICE_PARAMETERS -> initializeDeviceParameters();
            case Ata.STANDBY_IMMEDIATE, Ata.IDLE_IMMEDIATE, Ata.STANDBY, Ata.IDLE -> complete();
            case Ata.CHECK_POWER_MODE -> {
                sectorCount = 0xFF; // active or idle
                complete();
            }
            default -> {
                if (command >= Ata.RECALIBRATE && command <= Ata.RECALIBRATE + 0x0F) {
                    complete();
                } else {
                    abort(Ata.ERROR_ABRT);
                }
            }
        }
    }

    // ---- completion

    private void complete() {
        endTransfer();
        transfer = Transfer.NONE;
        status = Ata.DRDY | Ata.DSC;
        error = 0;
        interrupt();
    }

    private void abort(int errorBits) {
        endTransfer();
        transfer = Transfer.NONE;
        status = Ata.DRDY | Ata.DSC | Ata.ERR;
        error = errorBits;
        interrupt();
    }

    // ---- addressing

    /** The starting sector of a command, or -1 for a CHS address outside the current geometry. */
    private long startSector(boolean ext) {
        if (ext) {
            return (long) hobLbaHigh << 40 | (long) hobLbaMid << 32 | (long) hobLbaLow << 24
                    | (long) lbaHigh << 16 | (long) lbaMid << 8 | lbaLow;
        }
        if ((device & Ata.DEVICE_LBA) != 0) {
            return (long) (device & 0x0F) << 24 | (long) lbaHigh << 16 | (long) lbaMid << 8 | lbaLow;
        }
        int cylinder = lbaHigh << 8 | lbaMid;
        int head = device & 0x0F;
        int sector = lbaLow;
        if (sector < 1 || sector > sectorsPerTrack || head >= heads) {
            return -1;
        }
        return ((long) cylinder * heads + head) * sectorsPerTrack + sector - 1;
    }

    private int sectorCount(boolean ext) {
        int n = ext ? hobSectorCount << 8 | sectorCount : sectorCount;
        return n == 0 ? (ext ? 65536 : 256) : n;
    }

    /** Leaves {@code sector} in the address registers, as the device reports where a command ended. */
    private void reportAddress(long sector) {
        if (lba48) {
            lbaLow = (int) sector & 0xFF;
            lbaMid = (int) (sector >>> 8) & 0xFF;
            lbaHigh = (int) (sector >>> 16) & 0xFF;
            hobLbaLow = (int) (sector >>> 24) & 0xFF;
            hobLbaMid = (int) (sector >>> 32) & 0xFF;
            hobLbaHigh = (int) (sector >>> 40) & 0xFF;
        } else if ((device & Ata.DEVICE_LBA) != 0) {
            lbaLow = (int) sector & 0xFF;
            lbaMid = (int) (sector >>> 8) & 0xFF;
            lbaHigh = (int) (sector >>> 16) & 0xFF;
            device = (device & 0xF0) | (int) (sector >>> 24) & 0x0F;
        } else {
            long perCylinder = (long) heads * sectorsPerTrack;
            long cylinder = Math.min(0xFFFF, sector / perCylinder);
            int rest = (int) (sector % perCylinder);
            lbaMid = (int) cylinder & 0xFF;
            lbaHigh = (int) (cylinder >>> 8) & 0xFF;
            device = (device & 0xF0) | rest / sectorsPerTrack;
            lbaLow = rest % sectorsPerTrack + 1;
        }
    }

    // ---- reads and writes

    private void startMultiple(boolean write, boolean ext) {
        if (multiple == 0) {
            abort(Ata.ERROR_ABRT);
            return;
        }
        startSectors(write, ext, false, multiple);
    }

    /**
     * @param block sectors per PIO block (DRQ), ignored for DMA
     */
    private void startSectors(boolean write, boolean ext, boolean viaDma, int block) {
        long first = startSector(ext);
        int count = sectorCount(ext);
        lba48 = ext;
        if (first < 0 || first + count > sectors) {
            abort(Ata.ERROR_IDNF);
            return;
        }
        if (write && readOnly) {
            abort(Ata.ERROR_ABRT);
            return;
        }
        transfer = Transfer.SECTORS;
        writing = write;
        dma = viaDma;
        lba = first;
        remaining = count;
        blockSectors = viaDma ? BUFFER_SIZE / Ata.SECTOR_SIZE : block;
        status = Ata.DRDY | Ata.DSC | Ata.DRQ;
        error = 0;
        if (write) {
            windowSectors = (int) Math.min(remaining, blockSectors);
            if (dma) {
                dma(false, windowSectors * Ata.SECTOR_SIZE);
            } else {
                pioOut(windowSectors * Ata.SECTOR_SIZE);
            }
        } else if (loadWindow()) {
            if (dma) {
                dma(true, windowSectors * Ata.SECTOR_SIZE);
            } else {
                pioIn(windowSectors * Ata.SECTOR_SIZE);
                interrupt();
            }
        }
    }

    /** Reads the next window of sectors from the image; false (the command aborted UNC) if the host failed. */
    private boolean loadWindow() {
        windowSectors = (int) Math.min(remaining, blockSectors);
        return transferWindow(false);
    }

    /** Writes the filled window to the image; false (the command aborted ABRT) if the host failed. */
    private boolean storeWindow() {
        return transferWindow(true);
    }

    private boolean transferWindow(boolean toImage) {
        try {
            io.clear().limit(windowSectors * Ata.SECTOR_SIZE);
            if (toImage) {
                disk.write(lba * Ata.SECTOR_SIZE, io);
            } else {
                disk.read(lba * Ata.SECTOR_SIZE, io);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            reportAddress(lba);
            abort(toImage ? Ata.ERROR_ABRT : Ata.ERROR_UNC);
            return false;
        }
    }

    @Override
    void windowDone() {
        if (transfer == Transfer.IDENTIFY) {
            endTransfer();
            transfer = Transfer.NONE;
            status = Ata.DRDY | Ata.DSC;
            return;
        }
        if (transfer != Transfer.SECTORS) {
            endTransfer();
            return;
        }
        if (writing && !storeWindow()) {
            return;
        }
        lba += windowSectors;
        remaining -= windowSectors;
        if (remaining == 0) {
            reportAddress(lba - 1);
            if (writing && !writeCache && !flushed()) {
                return;
            }
            endTransfer();
            transfer = Transfer.NONE;
            status = Ata.DRDY | Ata.DSC;
            // a PIO read ends when the host took the last block: only writes and DMA interrupt at the end
            if (writing || dma) {
                interrupt();
            }
            return;
        }
        if (writing) {
            windowSectors = (int) Math.min(remaining, blockSectors);
            if (dma) {
                dmaNext(windowSectors * Ata.SECTOR_SIZE);
            } else {
                pioOut(windowSectors * Ata.SECTOR_SIZE);
                interrupt();
            }
        } else if (loadWindow()) {
            if (dma) {
                dmaNext(windowSectors * Ata.SECTOR_SIZE);
            } else {
                pioIn(windowSectors * Ata.SECTOR_SIZE);
                interrupt();
            }
        }
    }

    private void verify(boolean ext) {
        long first = startSector(ext);
        int count = sectorCount(ext);
        lba48 = ext;
        if (first < 0 || first + count > sectors) {
            abort(Ata.ERROR_IDNF);
            return;
        }
        reportAddress(first + count - 1);
        complete();
    }

    private void flush() {
        if (flushed()) {
            complete();
        }
    }

    /** Makes written data durable; false (the command aborted) if the host could not. */
    private boolean flushed() {
        if (readOnly) {
            return true;
        }
        try {
            disk.flush();
            return true;
        } catch (IOException | UncheckedIOException e) {
            abort(Ata.ERROR_ABRT);
            return false;
        }
    }

    // ---- configuration commands

    private void setFeatures() {
        switch (feature) {
            case Ata.FEATURE_ENABLE_WRITE_CACHE -> writeCache = true;
            case Ata.FEATURE_DISABLE_WRITE_CACHE -> {
                writeCache = false;
                if (!flushed()) {
                    return;
                }
            }
            case Ata.FEATURE_SET_TRANSFER_MODE -> {
                if (!TransferMode.valid(sectorCount)) {
                    abort(Ata.ERROR_ABRT);
                    return;
                }
                transferMode = sectorCount;
            }
            case Ata.FEATURE_ENABLE_READ_LOOK_AHEAD, Ata.FEATURE_DISABLE_READ_LOOK_AHEAD,
                    Ata.FEATURE_DISABLE_REVERTING, Ata.FEATURE_ENABLE_REVERTING -> { }
            default -> {
                abort(Ata.ERROR_ABRT);
                return;
            }
        }
        complete();
    }

    private void setMultipleMode() {
        int n = sectorCount;
        if (n != 0 && (n > MAX_MULTIPLE || Integer.bitCount(n) != 1)) {
            abort(Ata.ERROR_ABRT);
            return;
        }
        multiple = n;
        complete();
    }

    private void initializeDeviceParameters() {
        if (sectorCount == 0) {
            abort(Ata.ERROR_ABRT);
            return;
        }
        heads = (device & 0x0F) + 1;
        sectorsPerTrack = sectorCount;
        complete();
    }

    // ---- IDENTIFY DEVICE

    private void identify() {
        long lba28 = Math.min(sectors, LBA28_LIMIT);
        long perCylinder = (long) heads * sectorsPerTrack;
        int currentCylinders = (int) Math.min(0xFFFF, Math.min(sectors, LBA28_LIMIT) / perCylinder);
        IdeIdentify id = new IdeIdentify(buffer)
                .word(0, 0x0040)                                     // fixed, non-removable ATA device
                .word(1, defaultGeometry.cylinders())
                .word(3, defaultGeometry.heads())
                .word(6, defaultGeometry.sectorsPerTrack())
                .string(10, 10, serial)
                .string(23, 4, "1.0")
                .string(27, 20, model)
                .word(47, 0x8000 | MAX_MULTIPLE)
                .word(49, IdeIdentify.CAP_IORDY | IdeIdentify.CAP_LBA | IdeIdentify.CAP_DMA)
                .word(50, 0x4000)
                .word(51, 0x0200)
                .word(52, 0x0200)
                .word(53, IdeIdentify.VALID_54_58 | IdeIdentify.VALID_64_70 | IdeIdentify.VALID_88)
                .word(54, currentCylinders)
                .word(55, heads)
                .word(56, sectorsPerTrack)
                .dword(57, Math.min((long) currentCylinders * perCylinder, 0xFFFF_FFFFL))
                .word(59, multiple == 0 ? 0 : 0x0100 | multiple)
                .dword(60, lba28)
                .word(63, TransferMode.multiwordWord(transferMode))
                .word(64, 0x0003)                                    // PIO modes 3 and 4
                .word(65, 120).word(66, 120).word(67, 120).word(68, 120)
                .word(80, 0x00F0)                                    // ATA/ATAPI-4 to -7
                .word(82, IdeIdentify.SET_NOP | IdeIdentify.SET_WRITE_CACHE | IdeIdentify.SET_LOOK_AHEAD)
                .word(83, IdeIdentify.WORD_VALID | IdeIdentify.SET_FLUSH_CACHE_EXT | IdeIdentify.SET_FLUSH_CACHE
                        | IdeIdentify.SET_LBA48)
                .word(84, IdeIdentify.WORD_VALID)
                .word(85, IdeIdentify.SET_NOP | (writeCache ? IdeIdentify.SET_WRITE_CACHE : 0)
                        | IdeIdentify.SET_LOOK_AHEAD)
                .word(86, IdeIdentify.SET_FLUSH_CACHE_EXT | IdeIdentify.SET_FLUSH_CACHE | IdeIdentify.SET_LBA48)
                .word(87, IdeIdentify.WORD_VALID)
                .word(88, TransferMode.ultraWord(transferMode))
                .word(93, 0x4000 | 0x2000 | 0x0001)                  // reset result valid, 80-wire cable
                .dword(100, sectors).dword(102, 0);
        id.seal();
        transfer = Transfer.IDENTIFY;
        status = Ata.DRDY | Ata.DSC | Ata.DRQ;
        error = 0;
        pioIn(IdeIdentify.BYTES);
        interrupt();
    }

    @Override
    String describe() {
        return "ATA disk, " + sectors + " sectors" + (readOnly ? ", read-only" : "");
    }
}
