package org.quasivm.vmm.devices.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.testing.TestImages;

/** The ATAPI CD-ROM on the secondary master, driven through the PACKET protocol in PIO and by DMA. */
class AtapiCdromTest {

    private static final int BLOCKS = 64;
    private static final int C = IdeRig.CMD2;

    @TempDir
    Path dir;
    private IdeRig rig;
    private Path iso;

    /** What a packet command left: the data it returned, the final status and error. */
    private record Outcome(byte[] data, int status, int error, int phases) {
        int senseKey() {
            return error >> 4;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        iso = TestImages.patternedRaw(dir, "cd.iso", BLOCKS * 2048L);
        rig = new IdeRig(new IdePlug().cdrom(IdePosition.SECONDARY_MASTER,
                TestImages.openReadOnly(iso, ImageFormat.RAW)));
        clearUnitAttention();
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.board.close();
    }

    private void clearUnitAttention() {
        packet(cdb(Mmc.TEST_UNIT_READY), 0xFFFE);
    }

    private static byte[] cdb(int... bytes) {
        byte[] c = new byte[12];
        for (int i = 0; i < bytes.length; i++) {
            c[i] = (byte) bytes[i];
        }
        return c;
    }

    private int status() {
        return rig.board.inb(C + Ata.STATUS_COMMAND);
    }

    private void sendPacket(byte[] cdb, int limit, boolean dma) {
        rig.board.outb(C + Ata.DEVICE, 0xA0);
        rig.board.outb(C + Ata.ERROR_FEATURE, dma ? 1 : 0);
        rig.board.outb(C + Ata.LBA_MID, limit);
        rig.board.outb(C + Ata.LBA_HIGH, limit >> 8);
        rig.board.outb(C + Ata.STATUS_COMMAND, Ata.PACKET);
        assertEquals(Ata.DRDY | Ata.DRQ, status() & ~Ata.DSC);
        assertEquals(Ata.REASON_COD, rig.board.inb(C + Ata.SECTOR_COUNT));
        for (int i = 0; i < 12; i += 2) {
            rig.board.out(C, 2, (cdb[i] & 0xFF) | (cdb[i + 1] & 0xFF) << 8);
        }
    }

    /** Runs a packet command in PIO, reading every data phase the drive offers. */
    private Outcome packet(byte[] cdb, int limit) {
        sendPacket(cdb, limit, false);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int phases = 0;
        int st = status();
        while ((st & Ata.DRQ) != 0) {
            assertEquals(Ata.REASON_IO, rig.board.inb(C + Ata.SECTOR_COUNT));
            int count = rig.board.inb(C + Ata.LBA_MID) | rig.board.inb(C + Ata.LBA_HIGH) << 8;
            assertTrue(count <= Math.max(limit, 2) && count > 0, "byte count " + count + " over limit " + limit);
            for (int i = 0; i < count; i += 2) {
                int w = rig.board.in(C, 2);
                data.write(w);
                data.write(w >> 8);
            }
            phases++;
            st = status();
        }
        assertEquals(Ata.REASON_IO | Ata.REASON_COD, rig.board.inb(C + Ata.SECTOR_COUNT));
        return new Outcome(data.toByteArray(), st, rig.board.inb(C + Ata.ERROR_FEATURE), phases);
    }

    private Outcome requestSense() {
        return packet(cdb(Mmc.REQUEST_SENSE, 0, 0, 0, 18), 0xFFFE);
    }

    private static byte[] blocks(long first, int count) {
        byte[] b = new byte[count * 2048];
        for (int i = 0; i < b.length; i++) {
            b[i] = TestImages.pattern(first * 2048 + i);
        }
        return b;
    }

    @Test
    void powerOnShowsThePacketSignatureWithStatusZero() throws Exception {
        IdeRig fresh = new IdeRig(new IdePlug().cdrom(IdePosition.SECONDARY_MASTER, null));
        assertEquals(0, fresh.board.inb(C + Ata.STATUS_COMMAND));
        assertEquals(0x14, fresh.board.inb(C + Ata.LBA_MID));
        assertEquals(0xEB, fresh.board.inb(C + Ata.LBA_HIGH));
        fresh.board.close();
    }

    @Test
    void identifyDeviceAbortsAndLeavesThePacketSignature() {
        rig.board.outb(C + Ata.LBA_MID, 0);
        rig.board.outb(C + Ata.STATUS_COMMAND, Ata.IDENTIFY_DEVICE);
        assertEquals(Ata.ERR, status() & Ata.ERR);
        assertEquals(Ata.ERROR_ABRT, rig.board.inb(C + Ata.ERROR_FEATURE));
        assertEquals(0x14, rig.board.inb(C + Ata.LBA_MID));
        assertEquals(0xEB, rig.board.inb(C + Ata.LBA_HIGH));
    }

    @Test
    void identifyPacketDeviceDescribesARemovableCdrom() {
        rig.board.outb(C + Ata.STATUS_COMMAND, Ata.IDENTIFY_PACKET_DEVICE);
        byte[] id = new byte[512];
        for (int i = 0; i < 512; i += 2) {
            int w = rig.board.in(C, 2);
            id[i] = (byte) w;
            id[i + 1] = (byte) (w >> 8);
        }
        assertEquals(0x85C0, IdeRig.word(id, 0));
        assertEquals("QuasiVM CD-ROM", IdeRig.ataString(id, 27, 20));
        assertTrue((IdeRig.word(id, 49) & IdeIdentify.CAP_DMA) != 0);
    }

    @Test
    void inquiryReportsACdromDevice() {
        Outcome o = packet(cdb(Mmc.INQUIRY, 0, 0, 0, 36), 0xFFFE);
        assertEquals(Ata.DRDY | Ata.DSC, o.status());
        assertEquals(36, o.data().length);
        assertEquals(0x05, o.data()[0]);
        assertEquals(0x80, o.data()[1] & 0xFF);
        assertEquals("QUASIVM QuasiVM CD-ROM  ", new String(o.data(), 8, 24, StandardCharsets.US_ASCII));
    }

    @Test
    void theByteCountLimitSplitsTheDataIntoPhases() {
        Outcome o = packet(cdb(Mmc.INQUIRY, 0, 0, 0, 36), 16);
        assertEquals(3, o.phases());
        assertEquals(36, o.data().length);
        assertEquals(0x05, o.data()[0]);
    }

    @Test
    void anOddByteCountLimitIsRoundedDownToEven() {
        Outcome o = packet(cdb(Mmc.READ_10, 0, 0, 0, 0, 0, 0, 0, 1), 2047);
        assertArrayEquals(blocks(0, 1), o.data());
        assertEquals(2, o.phases());
    }

    @Test
    void theAllocationLengthCutsTheReply() {
        Outcome o = packet(cdb(Mmc.INQUIRY, 0, 0, 0, 8), 0xFFFE);
        assertEquals(8, o.data().length);
    }

    @Test
    void inquiryForVitalProductDataIsAnInvalidField() {
        Outcome o = packet(cdb(Mmc.INQUIRY, 1, 0x80, 0, 36), 0xFFFE);
        assertEquals(Ata.ERR, o.status() & Ata.ERR);
        assertEquals(Sense.ILLEGAL_REQUEST, o.senseKey());
        assertEquals(Sense.ASC_INVALID_FIELD_IN_CDB, requestSense().data()[12]);
    }

    @Test
    void readCapacityGivesTheLastBlockAndTheBlockSize() {
        byte[] d = packet(cdb(Mmc.READ_CAPACITY), 0xFFFE).data();
        assertEquals(BLOCKS - 1, Mmc.be32(d, 0));
        assertEquals(2048, Mmc.be32(d, 4));
    }

    @Test
    void read10InPioReturnsTheIsoBlocks() {
        Outcome o = packet(cdb(Mmc.READ_10, 0, 0, 0, 0, 5, 0, 0, 3), 0xFFFE);
        assertEquals(Ata.DRDY | Ata.DSC, o.status());
        assertArrayEquals(blocks(5, 3), o.data());
    }

    @Test
    void read12ReturnsTheIsoBlocks() {
        Outcome o = packet(cdb(Mmc.READ_12, 0, 0, 0, 0, 9, 0, 0, 0, 2), 0xFFFE);
        assertArrayEquals(blocks(9, 2), o.data());
    }

    @Test
    void readingPastTheLastBlockIsLbaOutOfRange() {
        Outcome o = packet(cdb(Mmc.READ_10, 0, 0, 0, 0, BLOCKS - 1, 0, 0, 2), 0xFFFE);
        assertEquals(0, o.data().length);
        assertEquals(Sense.ILLEGAL_REQUEST, o.senseKey());
        assertEquals(Sense.ASC_LBA_OUT_OF_RANGE, requestSense().data()[12]);
    }

    @Test
    void read10ByDmaLandsInMemoryAndInterruptsOnce() {
        rig.irq15().clearCounts();
        rig.board.out(IdeRig.BM + 8 + BusMasterDma.PRD_POINTER, 4, (int) IdeRig.PRD_TABLE);
        rig.board.memory.write(IdeRig.PRD_TABLE, 4, 0x20_0000);
        rig.board.memory.write(IdeRig.PRD_TABLE + 4, 4, 0x8000_0000L | (4 * 2048));
        sendPacket(cdb(Mmc.READ_10, 0, 0, 0, 0, 10, 0, 0, 4), 0xFFFE, true);
        rig.board.outb(IdeRig.BM + 8, BusMasterDma.COMMAND_START | BusMasterDma.COMMAND_TO_MEMORY);
        assertEquals(1, rig.irq15().raises());
        assertEquals(BusMasterDma.STATUS_INTERRUPT, rig.board.inb(IdeRig.BM + 8 + BusMasterDma.STATUS) & 7);
        assertEquals(Ata.DRDY | Ata.DSC, status());
        assertEquals(Ata.REASON_IO | Ata.REASON_COD, rig.board.inb(C + Ata.SECTOR_COUNT));
        assertArrayEquals(blocks(10, 4), rig.memory(0x20_0000, 4 * 2048));
    }

    @Test
    void anEmptyDriveIsNotReadyWithMediumNotPresent() throws Exception {
        rig.plug.ejectMedium(IdePosition.SECONDARY_MASTER, false);
        Outcome o = packet(cdb(Mmc.TEST_UNIT_READY), 0xFFFE);
        assertEquals(Sense.NOT_READY, o.senseKey());
        byte[] sense = requestSense().data();
        assertEquals(0x70, sense[0]);
        assertEquals(Sense.NOT_READY, sense[2]);
        assertEquals(Sense.ASC_MEDIUM_NOT_PRESENT, sense[12]);
        assertEquals(Sense.ASCQ_TRAY_CLOSED, sense[13]);
    }

    @Test
    void insertingAMediumRaisesUnitAttentionOnce() throws Exception {
        rig.plug.ejectMedium(IdePosition.SECONDARY_MASTER, false);
        rig.plug.insertMedium(IdePosition.SECONDARY_MASTER, TestImages.openReadOnly(iso, ImageFormat.RAW));
        Outcome first = packet(cdb(Mmc.TEST_UNIT_READY), 0xFFFE);
        assertEquals(Sense.UNIT_ATTENTION, first.senseKey());
        assertEquals(Sense.ASC_MEDIUM_MAY_HAVE_CHANGED, requestSense().data()[12]);
        Outcome second = packet(cdb(Mmc.TEST_UNIT_READY), 0xFFFE);
        assertEquals(0, second.status() & Ata.ERR);
    }

    @Test
    void unitAttentionLetsInquiryThrough() throws Exception {
        rig.plug.insertMedium(IdePosition.SECONDARY_MASTER, TestImages.openReadOnly(iso, ImageFormat.RAW));
        assertEquals(0, packet(cdb(Mmc.INQUIRY, 0, 0, 0, 36), 0xFFFE).status() & Ata.ERR);
        assertEquals(Sense.UNIT_ATTENTION, packet(cdb(Mmc.READ_CAPACITY), 0xFFFE).senseKey());
    }

    @Test
    void eventStatusReportsNewMediaOnceThenNoChange() throws Exception {
        rig.plug.insertMedium(IdePosition.SECONDARY_MASTER, TestImages.openReadOnly(iso, ImageFormat.RAW));
        byte[] first = packet(cdb(Mmc.GET_EVENT_STATUS_NOTIFICATION, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE).data();
        assertEquals(8, first.length);
        assertEquals(0x04, first[2]);
        assertEquals(Mmc.EVENT_NEW_MEDIA, first[4]);
        assertEquals(0x02, first[5], "medium present, tray closed");
        byte[] second = packet(cdb(Mmc.GET_EVENT_STATUS_NOTIFICATION, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE).data();
        assertEquals(Mmc.EVENT_NONE, second[4]);
    }

    @Test
    void eventStatusWithoutThePolledBitIsAnInvalidField() {
        Outcome o = packet(cdb(Mmc.GET_EVENT_STATUS_NOTIFICATION, 0, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE);
        assertEquals(Sense.ILLEGAL_REQUEST, o.senseKey());
    }

    @Test
    void readTocFormatZeroListsTrackOneAndTheLeadOut() {
        byte[] d = packet(cdb(Mmc.READ_TOC_PMA_ATIP, 0, 0, 0, 0, 0, 0, 0, 100), 0xFFFE).data();
        assertEquals(20, d.length);
        assertEquals(18, Mmc.be16(d, 0));
        assertEquals(1, d[2]);
        assertEquals(1, d[3]);
        assertEquals(1, d[6]);
        assertEquals(0, Mmc.be32(d, 8));
        assertEquals(0xAA, d[14] & 0xFF);
        assertEquals(BLOCKS, Mmc.be32(d, 16));
    }

    @Test
    void readTocInMsfCountsTheTwoSecondLeadIn() {
        byte[] d = packet(cdb(Mmc.READ_TOC_PMA_ATIP, 2, 0, 0, 0, 0, 0, 0, 100), 0xFFFE).data();
        assertArrayEquals(new byte[] {0, 0, 2, 0}, Arrays.copyOfRange(d, 8, 12));
        assertArrayEquals(new byte[] {0, 0, 2, (byte) BLOCKS}, Arrays.copyOfRange(d, 16, 20));
    }

    @Test
    void readTocFormatOneGivesTheSessionInformation() {
        byte[] d = packet(cdb(Mmc.READ_TOC_PMA_ATIP, 0, 1, 0, 0, 0, 0, 0, 12), 0xFFFE).data();
        assertEquals(12, d.length);
        assertEquals(10, Mmc.be16(d, 0));
        assertEquals(1, d[6]);
    }

    @Test
    void readTocTakesTheFormatFromTheControlByteAsOlderDriversSendIt() {
        byte[] d = packet(cdb(Mmc.READ_TOC_PMA_ATIP, 0, 0, 0, 0, 0, 0, 0, 12, 0x40), 0xFFFE).data();
        assertEquals(10, Mmc.be16(d, 0));
    }

    @Test
    void readTocForAMissingTrackIsAnInvalidField() {
        assertEquals(Sense.ILLEGAL_REQUEST, packet(cdb(Mmc.READ_TOC_PMA_ATIP, 0, 0, 0, 0, 0, 5, 0, 100), 0xFFFE)
                .senseKey());
    }

    @Test
    void modeSenseReturnsTheCapabilitiesPage() {
        byte[] d = packet(cdb(Mmc.MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 64), 0xFFFE).data();
        assertEquals(d.length - 2, Mmc.be16(d, 0));
        assertEquals(0x2A, d[8]);
        assertEquals(0x29, d[8 + 6] & 0xFF, "tray, eject, lock");
    }

    @Test
    void modeSenseOfSavedValuesIsRefused() {
        Outcome o = packet(cdb(Mmc.MODE_SENSE_10, 0, 0xC0 | 0x2A, 0, 0, 0, 0, 0, 64), 0xFFFE);
        assertEquals(Sense.ILLEGAL_REQUEST, o.senseKey());
        assertEquals(Sense.ASC_SAVING_NOT_SUPPORTED, requestSense().data()[12]);
    }

    @Test
    void getConfigurationReportsTheCdromProfileAsCurrent() {
        byte[] d = packet(cdb(Mmc.GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 255), 0xFFFE).data();
        assertEquals(d.length - 4, Mmc.be32(d, 0));
        assertEquals(CdromReplies.PROFILE_CD_ROM, Mmc.be16(d, 6));
        assertEquals(0x0000, Mmc.be16(d, 8));
        assertEquals(CdromReplies.PROFILE_CD_ROM, Mmc.be16(d, 12));
        assertEquals(1, d[14], "the profile is current");
    }

    @Test
    void getConfigurationOfOneFeatureReturnsOnlyIt() {
        byte[] d = packet(cdb(Mmc.GET_CONFIGURATION, 2, 0, 0x1E, 0, 0, 0, 0, 255), 0xFFFE).data();
        assertEquals(16, d.length);
        assertEquals(0x001E, Mmc.be16(d, 8));
    }

    @Test
    void startStopUnitEjectOpensTheTrayAndLoadClosesIt() {
        assertEquals(0, packet(cdb(Mmc.START_STOP_UNIT, 0, 0, 0, 0x02), 0xFFFE).status() & Ata.ERR);
        assertTrue(rig.plug.cdromAt(IdePosition.SECONDARY_MASTER).isTrayOpen());
        assertEquals(Sense.NOT_READY, packet(cdb(Mmc.TEST_UNIT_READY), 0xFFFE).senseKey());
        assertEquals(Sense.ASCQ_TRAY_OPEN, requestSense().data()[13]);
        packet(cdb(Mmc.START_STOP_UNIT, 0, 0, 0, 0x03), 0xFFFE);
        assertEquals(Sense.UNIT_ATTENTION, packet(cdb(Mmc.TEST_UNIT_READY), 0xFFFE).senseKey());
        assertEquals(0, packet(cdb(Mmc.TEST_UNIT_READY), 0xFFFE).status() & Ata.ERR);
    }

    @Test
    void aLockedDoorRefusesTheGuestsEject() {
        packet(cdb(Mmc.PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 1), 0xFFFE);
        Outcome o = packet(cdb(Mmc.START_STOP_UNIT, 0, 0, 0, 0x02), 0xFFFE);
        assertEquals(Sense.ILLEGAL_REQUEST, o.senseKey());
        assertEquals(Sense.ASC_MEDIUM_REMOVAL_PREVENTED, requestSense().data()[12]);
        assertFalse(rig.plug.cdromAt(IdePosition.SECONDARY_MASTER).isTrayOpen());
    }

    @Test
    void aLockedDoorRefusesTheHostsEjectUnlessForcedAndTellsTheGuest() throws Exception {
        packet(cdb(Mmc.PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 1), 0xFFFE);
        assertThrows(IllegalStateException.class, () -> rig.plug.ejectMedium(IdePosition.SECONDARY_MASTER, false));
        byte[] e = packet(cdb(Mmc.GET_EVENT_STATUS_NOTIFICATION, 1, 0, 0, 0x10, 0, 0, 0, 8), 0xFFFE).data();
        assertEquals(Mmc.EVENT_EJECT_REQUEST, e[4]);
        rig.plug.ejectMedium(IdePosition.SECONDARY_MASTER, true);
        assertFalse(rig.plug.cdromAt(IdePosition.SECONDARY_MASTER).hasMedium());
    }

    @Test
    void anUnknownOperationCodeIsAnIllegalRequest() {
        Outcome o = packet(cdb(0xD7), 0xFFFE);
        assertEquals(Ata.ERR, o.status() & Ata.ERR);
        assertEquals(Sense.ILLEGAL_REQUEST << 4 | Ata.ERROR_ABRT, o.error());
        assertEquals(Sense.ASC_INVALID_OPCODE, requestSense().data()[12]);
    }

    @Test
    void requestSenseClearsTheSense() {
        packet(cdb(0xD7), 0xFFFE);
        requestSense();
        assertEquals(Sense.NO_SENSE, requestSense().data()[2]);
    }

    @Test
    void deviceResetRestoresTheSignatureWithoutAnInterrupt() {
        rig.irq15().clearCounts();
        rig.board.outb(C + Ata.LBA_MID, 0);
        rig.board.outb(C + Ata.STATUS_COMMAND, Ata.DEVICE_RESET);
        assertEquals(0, rig.irq15().raises());
        assertEquals(0x14, rig.board.inb(C + Ata.LBA_MID));
        assertEquals(0, status());
    }
}
