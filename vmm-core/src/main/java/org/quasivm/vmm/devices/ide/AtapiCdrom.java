package org.quasivm.vmm.devices.ide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.quasivm.disk.BlockDevice;

/**
 * An ATAPI CD-ROM drive reading ISO images (2048-byte blocks): the PACKET protocol with its byte count limit, in
 * PIO or by bus-master DMA, and the MMC commands an OS and a BIOS use — TEST UNIT READY, REQUEST SENSE, INQUIRY,
 * READ CAPACITY, READ(10)/(12), MODE SENSE(10), GET CONFIGURATION, READ TOC (formats 0 and 1), GET EVENT STATUS
 * NOTIFICATION, START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, SET CD SPEED. Anything else is CHECK CONDITION
 * with ILLEGAL REQUEST / invalid command operation code.
 *
 * <p>Media: the host inserts and ejects images through {@link #insert} and {@link #eject} (on the VM thread); a new
 * medium raises UNIT ATTENTION ("medium may have changed") on the next command and a new-media event.
 */
public final class AtapiCdrom extends IdeDevice {

    private enum Transfer { NONE, IDENTIFY, PACKET, REPLY, MEDIUM }

    private static final int DEFAULT_BYTE_LIMIT = 0xFFFE;

    private final String serial;
    private final ByteBuffer io;
    private final byte[] cdb = new byte[Mmc.CDB_LENGTH];

    private BlockDevice medium;
    private long blocks;
    private boolean trayOpen;
    private boolean locked;
    private boolean unitAttention;
    private int mediaEvent;
    private int senseKey;
    private int asc;
    private int ascq;
    private int transferMode;

    private Transfer transfer = Transfer.NONE;
    private boolean packetDma;
    private int byteLimit;
    private long remaining;
    private long mediumOffset;
    private int replyPosition;

    /** An empty drive; {@link #insert} puts an ISO in. */
    public AtapiCdrom(String serial) {
        this.serial = serial;
        this.io = ByteBuffer.wrap(buffer);
        powerOn();
    }

    // ---- the host's side: media

    /**
     * Inserts {@code iso} (closing the tray); returns the medium it replaces, which the caller closes, or null.
     * The guest sees UNIT ATTENTION and a new-media event.
     */
    public BlockDevice insert(BlockDevice iso) {
        BlockDevice old = medium;
        medium = iso;
        blocks = iso == null ? 0 : iso.size() / Mmc.BLOCK_SIZE;
        trayOpen = false;
        if (iso != null) {
            unitAttention = true;
            mediaEvent = Mmc.EVENT_NEW_MEDIA;
        } else if (old != null) {
            mediaEvent = Mmc.EVENT_MEDIA_REMOVAL;
        }
        return old;
    }

    /**
     * Takes the medium out and returns it (the caller closes it), or null if the drive was empty.
     *
     * @param force eject even though the guest locked the door
     * @throws IllegalStateException when the guest has locked the door and {@code force} is false (the guest is
     *                               told an eject was requested)
     */
    public BlockDevice eject(boolean force) {
        if (locked && !force) {
            mediaEvent = Mmc.EVENT_EJECT_REQUEST;
            throw new IllegalStateException("the guest has locked the CD-ROM door (eject again with force)");
        }
        locked = false;
        return insert(null);
    }

    public boolean hasMedium() {
        return medium != null;
    }

    /** Whether the guest locked the door (PREVENT ALLOW MEDIUM REMOVAL). */
    public boolean isLocked() {
        return locked;
    }

    public boolean isTrayOpen() {
        return trayOpen;
    }

    private boolean ready() {
        return medium != null && !trayOpen;
    }

    // ---- resets

    @Override
    void powerOn() {
        transferMode = 0;
        locked = false;
        senseKey = asc = ascq = 0;
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
        signatureRegisters();
        device = 0;
        status = 0;
        error = Ata.DIAGNOSTIC_PASSED;
    }

    private void signatureRegisters() {
        sectorCount = 1;
        lbaLow = 1;
        lbaMid = 0x14;
        lbaHigh = 0xEB;
    }

    // ---- ATA commands

    @Override
    void execute(int command) {
        switch (command) {
            case Ata.PACKET -> packet();
            case Ata.IDENTIFY_PACKET_DEVICE -> identify();
            case Ata.DEVICE_RESET -> softReset();   // no interrupt: the host polls for the signature
            case Ata.SET_FEATURES -> {
                if (feature == Ata.FEATURE_SET_TRANSFER_MODE && TransferMode.valid(sectorCount)) {
                    transferMode = sectorCount;
                    ataComplete();
                } else if (feature == Ata.FEATURE_DISABLE_REVERTING || feature == Ata.FEATURE_ENABLE_REVERTING) {
                    ataComplete();
                } else {
                    ataAbort();
                }
            }
            case Ata.CHECK_POWER_MODE -> {
                sectorCount = 0xFF;
                ataComplete();
            }
            case Ata.IDLE_IMMEDIATE, Ata.STANDBY_IMMEDIATE -> ataComplete();
            case Ata.IDENTIFY_DEVICE, Ata.READ_SECTORS, Ata.READ_SECTORS_NO_RETRY -> {
                // a packet device refuses these and shows its signature, so the host learns what it is
                signatureRegisters();
                ataAbort();
            }
            default -> ataAbort();
        }
    }

    private void ataComplete() {
        endTransfer();
        transfer = Transfer.NONE;
        status = Ata.DRDY | Ata.DSC;
        error = 0;
        interrupt();
    }

    private void ataAbort() {
        endTransfer();
        transfer = Transfer.NONE;
        status = Ata.DRDY | Ata.DSC | Ata.ERR;
        error = Ata.ERROR_ABRT;
        interrupt();
    }

    private void identify() {
        new IdeIdentify(buffer)
                .word(0, 0x8000 | 0x0500 | 0x0080 | 0x0040)   // ATAPI, CD-ROM, removable, DRQ within 50 us
                .string(10, 10, serial)
                .string(23, 4, "1.0")
                .string(27, 20, "QuasiVM CD-ROM")
                .word(49, IdeIdentify.CAP_IORDY | IdeIdentify.CAP_LBA | IdeIdentify.CAP_DMA)
                .word(53, IdeIdentify.VALID_54_58 | IdeIdentify.VALID_64_70 | IdeIdentify.VALID_88)
                .word(63, TransferMode.multiwordWord(transferMode))
                .word(64, 0x0003)
                .word(65, 120).word(66, 120).word(67, 120).word(68, 120)
                .word(71, 30).word(72, 30)
                .word(80, 0x001E)                               // ATAPI-1 to -4
                .word(82, IdeIdentify.SET_NOP | IdeIdentify.SET_PACKET)
                .word(83, IdeIdentify.WORD_VALID)
                .word(84, IdeIdentify.WORD_VALID)
                .word(85, IdeIdentify.SET_NOP | IdeIdentify.SET_PACKET)
                .word(87, IdeIdentify.WORD_VALID)
                .word(88, TransferMode.ultraWord(transferMode))
                .word(93, 0x4000 | 0x2000 | 0x0001)
                .seal();
        transfer = Transfer.IDENTIFY;
        status = Ata.DRDY | Ata.DSC | Ata.DRQ;
        error = 0;
        pioIn(IdeIdentify.BYTES);
        interrupt();
    }

    // ---- the PACKET protocol

    private void packet() {
        packetDma = (feature & 0x01) != 0;
        int limit = lbaHigh << 8 | lbaMid;
        byteLimit = limit == 0 || limit == 0xFFFF ? DEFAULT_BYTE_LIMIT : limit & ~1;
        if (byteLimit == 0) {
            byteLimit = 2; // a limit of 1 moves a word at a time, as the data port does
        }
        transfer = Transfer.PACKET;
        sectorCount = Ata.REASON_COD;
        status = Ata.DRDY | Ata.DRQ;
        error = 0;
        pioOut(Mmc.CDB_LENGTH);
    }

    @Override
    void windowDone() {
        switch (transfer) {
            case IDENTIFY -> {
                endTransfer();
                transfer = Transfer.NONE;
                status = Ata.DRDY | Ata.DSC;
            }
            case PACKET -> {
                System.arraycopy(buffer, 0, cdb, 0, Mmc.CDB_LENGTH);
                endTransfer();
                runCommand();
            }
            case REPLY, MEDIUM -> nextChunk();
            default -> endTransfer();
        }
    }

    private void runCommand() {
        int op = cdb[0] & 0xFF;
        boolean attentionAllowed = op == Mmc.INQUIRY || op == Mmc.REQUEST_SENSE || op == Mmc.GET_CONFIGURATION
                || op == Mmc.GET_EVENT_STATUS_NOTIFICATION;
        if (unitAttention && !attentionAllowed) {
            unitAttention = false;
            checkCondition(Sense.UNIT_ATTENTION, Sense.ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
            return;
        }
        switch (op) {
            case Mmc.TEST_UNIT_READY -> {
                if (needMedium()) {
                    good();
                }
            }
            case Mmc.REQUEST_SENSE -> requestSense();
            case Mmc.INQUIRY -> {
                if ((cdb[1] & 0x01) != 0) {
                    invalidField();          // no vital product data pages
                } else {
                    reply(CdromReplies.inquiry(buffer), Mmc.be16(cdb, 3));
                }
            }
            case Mmc.READ_CAPACITY -> {
                if (needMedium()) {
                    reply(CdromReplies.readCapacity(buffer, blocks), 8);
                }
            }
            case Mmc.READ_10 -> read(Mmc.be32(cdb, 2), Mmc.be16(cdb, 7));
            case Mmc.READ_12 -> read(Mmc.be32(cdb, 2), Mmc.be32(cdb, 6));
            case Mmc.READ_TOC_PMA_ATIP -> readToc();
            case Mmc.MODE_SENSE_10 -> replyOrError(CdromReplies.modeSense(buffer, (cdb[2] & 0xC0) >> 6,
                    cdb[2] & 0x3F, ready(), locked), Mmc.be16(cdb, 7));
            case Mmc.GET_CONFIGURATION -> replyOrError(CdromReplies.configuration(buffer, cdb[1] & 0x03,
                    Mmc.be16(cdb, 2), ready()), Mmc.be16(cdb, 7));
            case Mmc.GET_EVENT_STATUS_NOTIFICATION -> eventStatus();
            case Mmc.START_STOP_UNIT -> startStop();
            case Mmc.PREVENT_ALLOW_MEDIUM_REMOVAL -> {
                locked = (cdb[4] & 0x01) != 0;
                good();
            }
            case Mmc.SET_CD_SPEED -> good();
            default -> checkCondition(Sense.ILLEGAL_REQUEST, Sense.ASC_INVALID_OPCODE, 0);
        }
    }

    private boolean needMedium() {
        if (ready()) {
            return true;
        }
        checkCondition(Sense.NOT_READY, Sense.ASC_MEDIUM_NOT_PRESENT,
                trayOpen ? Sense.ASCQ_TRAY_OPEN : Sense.ASCQ_TRAY_CLOSED);
        return false;
    }

    private void requestSense() {
        int length = CdromReplies.requestSense(buffer, senseKey, asc, ascq);
        senseKey = asc = ascq = 0;
        reply(length, cdb[4] & 0xFF);
    }

    private void readToc() {
        if (!needMedium()) {
            return;
        }
        int format = cdb[2] & 0x0F;
        if (format == 0) {
            format = (cdb[9] & 0xC0) >> 6;   // the older place for the format, still used by some drivers
        }
        replyOrError(CdromReplies.readToc(buffer, format, (cdb[1] & 0x02) != 0, cdb[6] & 0xFF, blocks),
                Mmc.be16(cdb, 7));
    }

    private void eventStatus() {
        if ((cdb[1] & 0x01) == 0) {
            invalidField();                  // asynchronous notification is not supported
            return;
        }
        int length = CdromReplies.eventStatus(buffer, cdb[4] & 0xFF, mediaEvent, medium != null, trayOpen);
        if ((cdb[4] & 0x10) != 0) {
            mediaEvent = Mmc.EVENT_NONE;
        }
        reply(length, Mmc.be16(cdb, 7));
    }

    private void startStop() {
        boolean loadEject = (cdb[4] & 0x02) != 0;
        boolean start = (cdb[4] & 0x01) != 0;
        if (!loadEject) {
            good();                          // spin up or down: nothing to do
        } else if (!start) {
            if (locked) {
                checkCondition(Sense.ILLEGAL_REQUEST, Sense.ASC_MEDIUM_REMOVAL_PREVENTED,
                        Sense.ASCQ_REMOVAL_PREVENTED);
                return;
            }
            if (!trayOpen && medium != null) {
                mediaEvent = Mmc.EVENT_MEDIA_REMOVAL;
            }
            trayOpen = true;
            good();
        } else {
            if (trayOpen && medium != null) {
                unitAttention = true;
                mediaEvent = Mmc.EVENT_NEW_MEDIA;
            }
            trayOpen = false;
            good();
        }
    }

    private void read(long lba, long count) {
        if (!needMedium()) {
            return;
        }
        if (lba + count > blocks) {
            checkCondition(Sense.ILLEGAL_REQUEST, Sense.ASC_LBA_OUT_OF_RANGE, 0);
            return;
        }
        if (count == 0) {
            good();
            return;
        }
        transfer = Transfer.MEDIUM;
        mediumOffset = lba * Mmc.BLOCK_SIZE;
        remaining = count * Mmc.BLOCK_SIZE;
        startData();
    }

    // ---- data phases and completion

    private void replyOrError(int length, int allocation) {
        if (length == CdromReplies.INVALID_FIELD) {
            invalidField();
        } else if (length == CdromReplies.SAVING_NOT_SUPPORTED) {
            checkCondition(Sense.ILLEGAL_REQUEST, Sense.ASC_SAVING_NOT_SUPPORTED, 0);
        } else {
            reply(length, allocation);
        }
    }

    /** Sends the first {@code min(length, allocation)} bytes of the buffer to the host. */
    private void reply(int length, long allocation) {
        int n = (int) Math.min(length, allocation);
        if (n <= 0) {
            good();
            return;
        }
        transfer = Transfer.REPLY;
        replyPosition = 0;
        remaining = n;
        startData();
    }

    private void startData() {
        status = Ata.DRDY | Ata.DRQ;
        error = 0;
        if (packetDma) {
            int chunk = loadChunk(true);
            if (chunk > 0) {
                dma(true, chunk);
            }
        } else {
            pioChunk();
        }
    }

    /**
     * Puts the next chunk in the buffer (reading the medium if that is the source) and returns its length; 0 if
     * reading failed (the command has then ended in CHECK CONDITION).
     */
    private int loadChunk(boolean viaDma) {
        int limit = viaDma ? BUFFER_SIZE : byteLimit;
        int chunk = (int) Math.min(remaining, limit);
        if (transfer == Transfer.MEDIUM) {
            try {
                io.clear().limit(chunk);
                medium.read(mediumOffset, io);
            } catch (IOException | UncheckedIOException e) {
                checkCondition(Sense.NOT_READY, Sense.ASC_MEDIUM_NOT_PRESENT, 0);
                return 0;
            }
            mediumOffset += chunk;
            replyPosition = 0;
        }
        return chunk;
    }

    private void pioChunk() {
        int start = transfer == Transfer.MEDIUM ? 0 : replyPosition;
        int chunk = loadChunk(false);
        if (chunk == 0) {
            return;
        }
        remaining -= chunk;
        replyPosition = start + chunk;
        lbaMid = chunk & 0xFF;
        lbaHigh = chunk >>> 8;
        sectorCount = Ata.REASON_IO;
        status = Ata.DRDY | Ata.DRQ;
        pioIn(start, chunk);
        interrupt();
    }

    private void nextChunk() {
        if (phase == Phase.DMA_IN) {
            remaining -= end - (transfer == Transfer.MEDIUM ? 0 : replyPosition);
            replyPosition = end;
            if (remaining <= 0) {
                good();
                return;
            }
            int start = transfer == Transfer.MEDIUM ? 0 : replyPosition;
            int chunk = loadChunk(true);
            if (chunk > 0) {
                dmaNext(start, chunk);
            }
            return;
        }
        if (remaining <= 0) {
            good();
        } else {
            pioChunk();
        }
    }

    private void good() {
        endTransfer();
        transfer = Transfer.NONE;
        if ((cdb[0] & 0xFF) != Mmc.REQUEST_SENSE) {
            senseKey = asc = ascq = 0;
        }
        status = Ata.DRDY | Ata.DSC;
        error = 0;
        sectorCount = Ata.REASON_IO | Ata.REASON_COD;
        interrupt();
    }

    private void invalidField() {
        checkCondition(Sense.ILLEGAL_REQUEST, Sense.ASC_INVALID_FIELD_IN_CDB, 0);
    }

    private void checkCondition(int key, int code, int qualifier) {
        endTransfer();
        transfer = Transfer.NONE;
        senseKey = key;
        asc = code;
        ascq = qualifier;
        status = Ata.DRDY | Ata.DSC | Ata.ERR;
        error = key << 4 | Ata.ERROR_ABRT;
        sectorCount = Ata.REASON_IO | Ata.REASON_COD;
        interrupt();
    }

    @Override
    String describe() {
        return "ATAPI CD-ROM, " + (medium == null ? "empty" : blocks + " blocks");
    }
}
