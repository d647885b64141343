package org.quasivm.vmm.devices.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.testing.ObservedBlockDevice;
import org.quasivm.vmm.testing.TestImages;

/** An ATA disk on a VMDK made by qemu-img, driven through the primary channel's ports and bus-master registers. */
class AtaDiskTest {

    private static final int SECTORS = 2048; // 1 MiB

    @TempDir
    Path dir;
    private ObservedBlockDevice image;
    private IdeRig rig;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TestImages.qemuImgAvailable(), "qemu-img (Debian qemu-utils) is not installed");
        Path raw = TestImages.patternedRaw(dir, "disk.raw", SECTORS * 512L);
        Path vmdk = TestImages.qemuConvert(raw, dir.resolve("disk.vmdk"), "vmdk");
        image = new ObservedBlockDevice(TestImages.openWritable(vmdk, ImageFormat.VMDK));
        rig = new IdeRig(new IdePlug().disk(IdePosition.PRIMARY_MASTER, image, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.board.close();
        }
    }

    private byte[] identify() {
        rig.select(0);
        rig.command(Ata.IDENTIFY_DEVICE);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.status());
        return rig.readData(512);
    }

    private static byte[] expected(long sector, int count) {
        byte[] b = new byte[count * 512];
        for (int i = 0; i < b.length; i++) {
            b[i] = TestImages.pattern(sector * 512 + i);
        }
        return b;
    }

    @Test
    void powerOnLeavesTheAtaSignatureAndReadyStatus() {
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        assertEquals(1, rig.error());
        assertEquals(1, rig.reg(Ata.SECTOR_COUNT));
        assertEquals(1, rig.reg(Ata.LBA_LOW));
        assertEquals(0, rig.reg(Ata.LBA_MID));
        assertEquals(0, rig.reg(Ata.LBA_HIGH));
    }

    @Test
    void identifyReportsModelCapacityAndFeatures() {
        byte[] id = identify();
        assertEquals(0x0040, IdeRig.word(id, 0));
        assertEquals("QuasiVM HARDDISK", IdeRig.ataString(id, 27, 20));
        assertEquals(SECTORS, IdeRig.word(id, 60) | IdeRig.word(id, 61) << 16);
        assertEquals(SECTORS, IdeRig.word(id, 100) | IdeRig.word(id, 101) << 16);
        assertTrue((IdeRig.word(id, 49) & (IdeIdentify.CAP_LBA | IdeIdentify.CAP_DMA)) != 0);
        assertTrue((IdeRig.word(id, 83) & IdeIdentify.SET_LBA48) != 0);
        assertEquals(0x8000 | AtaDisk.MAX_MULTIPLE, IdeRig.word(id, 47));
        assertEquals(DiskGeometry.forSectors(SECTORS).cylinders(), IdeRig.word(id, 1));
    }

    @Test
    void identifyDataCarriesAValidIntegrityChecksum() {
        byte[] id = identify();
        assertEquals(0xA5, id[510] & 0xFF);
        int sum = 0;
        for (byte b : id) {
            sum += b;
        }
        assertEquals(0, sum & 0xFF);
    }

    @Test
    void identifyInterruptsOnceAndStatusReadClearsIt() {
        rig.irq14().clearCounts();
        rig.select(0);
        rig.command(Ata.IDENTIFY_DEVICE);
        assertTrue(rig.irq14().isHigh());
        rig.altStatus();
        assertTrue(rig.irq14().isHigh(), "alternate status must not clear INTRQ");
        rig.status();
        assertFalse(rig.irq14().isHigh());
        rig.readData(512);
        assertEquals(1, rig.irq14().raises());
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
    }

    @Test
    void readSectorsReturnsTheImageBytes() {
        rig.lba28(100, 3);
        rig.command(Ata.READ_SECTORS);
        byte[] got = new byte[3 * 512];
        for (int s = 0; s < 3; s++) {
            assertEquals(Ata.DRDY | Ata.DSC | Ata.DRQ, rig.status());
            System.arraycopy(rig.readData(512), 0, got, s * 512, 512);
        }
        assertArrayEquals(expected(100, 3), got);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
    }

    @Test
    void pioReadInterruptsPerSectorAndNotAfterTheLast() {
        rig.lba28(0, 4);
        rig.irq14().clearCounts();
        rig.command(Ata.READ_SECTORS);
        for (int s = 0; s < 4; s++) {
            rig.status();
            rig.readData(512);
        }
        assertEquals(4, rig.irq14().raises());
        assertFalse(rig.irq14().isHigh());
    }

    @Test
    void thirtyTwoBitDataPortReadsTwoWordsAtOnce() {
        rig.lba28(7, 1);
        rig.command(Ata.READ_SECTORS);
        byte[] got = new byte[512];
        for (int i = 0; i < 512; i += 4) {
            int d = rig.board.in(IdeRig.CMD, 4);
            for (int k = 0; k < 4; k++) {
                got[i + k] = (byte) (d >>> (8 * k));
            }
        }
        assertArrayEquals(expected(7, 1), got);
    }

    @Test
    void writeSectorsReachTheImage() throws IOException {
        byte[] data = new byte[2 * 512];
        Arrays.fill(data, (byte) 0x5A);
        rig.lba28(50, 2);
        rig.irq14().clearCounts();
        rig.command(Ata.WRITE_SECTORS);
        assertEquals(0, rig.irq14().raises(), "no interrupt before the first block");
        for (int s = 0; s < 2; s++) {
            assertTrue((rig.status() & Ata.DRQ) != 0);
            rig.writeData(Arrays.copyOfRange(data, s * 512, s * 512 + 512));
        }
        assertEquals(2, rig.irq14().raises());
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        byte[] back = new byte[1024];
        image.read(50 * 512L, back, 0, back.length);
        assertArrayEquals(data, back);
    }

    @Test
    void readMultipleWithoutSetMultipleModeAborts() {
        rig.lba28(0, 4);
        rig.command(Ata.READ_MULTIPLE);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.ERR, rig.status());
        assertEquals(Ata.ERROR_ABRT, rig.error());
    }

    @Test
    void readMultipleTransfersBlocksOfTheMultipleCount() {
        rig.board.outb(IdeRig.CMD + Ata.SECTOR_COUNT, 4);
        rig.command(Ata.SET_MULTIPLE_MODE);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        rig.lba28(10, 6);
        rig.irq14().clearCounts();
        rig.command(Ata.READ_MULTIPLE);
        rig.status();
        byte[] first = rig.readData(4 * 512);
        rig.status();
        byte[] second = rig.readData(2 * 512);
        assertEquals(2, rig.irq14().raises(), "one interrupt per block");
        assertArrayEquals(expected(10, 4), first);
        assertArrayEquals(expected(14, 2), second);
        assertEquals(4, IdeRig.word(identify(), 59) & 0xFF);
    }

    @Test
    void setMultipleModeRefusesCountsThatAreNotPowersOfTwo() {
        rig.board.outb(IdeRig.CMD + Ata.SECTOR_COUNT, 3);
        rig.command(Ata.SET_MULTIPLE_MODE);
        assertEquals(Ata.ERROR_ABRT, rig.error());
    }

    @Test
    void chsAddressingFollowsInitializeDeviceParameters() {
        // 4 heads, 16 sectors per track: C/H/S 2/3/5 is sector (2*4+3)*16+4 = 180
        rig.board.outb(IdeRig.CMD + Ata.SECTOR_COUNT, 16);
        rig.board.outb(IdeRig.CMD + Ata.DEVICE, 0xA0 | 3);
        rig.command(Ata.INITIALIZE_DEVICE_PARAMETERS);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        rig.board.outb(IdeRig.CMD + Ata.SECTOR_COUNT, 1);
        rig.board.outb(IdeRig.CMD + Ata.LBA_LOW, 5);
        rig.board.outb(IdeRig.CMD + Ata.LBA_MID, 2);
        rig.board.outb(IdeRig.CMD + Ata.LBA_HIGH, 0);
        rig.board.outb(IdeRig.CMD + Ata.DEVICE, 0xA0 | 3);
        rig.command(Ata.READ_SECTORS);
        assertArrayEquals(expected(180, 1), rig.readData(512));
    }

    @Test
    void chsSectorZeroIsIdnf() {
        rig.board.outb(IdeRig.CMD + Ata.SECTOR_COUNT, 1);
        rig.board.outb(IdeRig.CMD + Ata.LBA_LOW, 0);
        rig.board.outb(IdeRig.CMD + Ata.DEVICE, 0xA0);
        rig.command(Ata.READ_SECTORS);
        assertEquals(Ata.ERROR_IDNF, rig.error());
    }

    @Test
    void readPastTheEndIsIdnfWithNoData() {
        rig.lba28(SECTORS - 1, 2);
        rig.command(Ata.READ_SECTORS);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.ERR, rig.status());
        assertEquals(Ata.ERROR_IDNF, rig.error());
    }

    @Test
    void unknownCommandAborts() {
        rig.command(0xFE);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.ERR, rig.status());
        assertEquals(Ata.ERROR_ABRT, rig.error());
    }

    @Test
    void readVerifyChecksTheRangeWithoutTransfer() {
        rig.lba28(20, 8);
        rig.command(Ata.READ_VERIFY);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        rig.lba28(SECTORS, 1);
        rig.command(Ata.READ_VERIFY);
        assertEquals(Ata.ERROR_IDNF, rig.error());
    }

    @Test
    void flushCacheReachesTheImagesFlush() {
        int before = image.flushes;
        rig.command(Ata.FLUSH_CACHE);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        rig.command(Ata.FLUSH_CACHE_EXT);
        assertEquals(before + 2, image.flushes);
    }

    @Test
    void disablingTheWriteCacheMakesEveryWriteFlush() {
        rig.board.outb(IdeRig.CMD + Ata.ERROR_FEATURE, Ata.FEATURE_DISABLE_WRITE_CACHE);
        rig.command(Ata.SET_FEATURES);
        int before = image.flushes;
        rig.lba28(3, 1);
        rig.command(Ata.WRITE_SECTORS);
        rig.writeData(new byte[512]);
        assertEquals(before + 1, image.flushes);
        assertEquals(0, IdeRig.word(identify(), 85) & IdeIdentify.SET_WRITE_CACHE);
    }

    @Test
    void setTransferModeShowsInIdentify() {
        rig.board.outb(IdeRig.CMD + Ata.ERROR_FEATURE, Ata.FEATURE_SET_TRANSFER_MODE);
        rig.board.outb(IdeRig.CMD + Ata.SECTOR_COUNT, 0x22); // multiword DMA 2
        rig.command(Ata.SET_FEATURES);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        assertEquals(0x0407, IdeRig.word(identify(), 63));
    }

    @Test
    void setFeaturesWithAnUnknownSubcommandAborts() {
        rig.board.outb(IdeRig.CMD + Ata.ERROR_FEATURE, 0x42);
        rig.command(Ata.SET_FEATURES);
        assertEquals(Ata.ERROR_ABRT, rig.error());
    }

    @Test
    void softResetRestoresTheSignatureAndKeepsTheLineQuiet() {
        rig.lba28(123, 9);
        rig.board.outb(IdeRig.CTL, Ata.CONTROL_SRST);
        assertEquals(Ata.BSY, rig.altStatus());
        rig.board.outb(IdeRig.CTL, 0);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        assertEquals(1, rig.reg(Ata.SECTOR_COUNT));
        assertEquals(1, rig.reg(Ata.LBA_LOW));
        assertEquals(0, rig.reg(Ata.LBA_MID));
        assertEquals(1, rig.error());
        assertFalse(rig.irq14().isHigh());
    }

    @Test
    void softResetAbandonsAPioTransfer() {
        rig.lba28(0, 2);
        rig.command(Ata.READ_SECTORS);
        rig.board.outb(IdeRig.CTL, Ata.CONTROL_SRST);
        rig.board.outb(IdeRig.CTL, 0);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        assertEquals(0, rig.board.in(IdeRig.CMD, 2));
    }

    @Test
    void anAbsentSlaveReadsAsZero() {
        rig.select(1);
        assertEquals(0, rig.status());
        rig.board.outb(IdeRig.CMD + Ata.SECTOR_COUNT, 0x55);
        assertEquals(0, rig.reg(Ata.SECTOR_COUNT));
        rig.command(Ata.IDENTIFY_DEVICE);
        assertEquals(0, rig.status());
        rig.select(0);
        assertEquals(0x55, rig.reg(Ata.SECTOR_COUNT), "the master latched the write");
    }

    @Test
    void nienKeepsTheLineLowWhileTheInterruptIsPending() {
        rig.board.outb(IdeRig.CTL, Ata.CONTROL_NIEN);
        rig.command(Ata.FLUSH_CACHE);
        assertFalse(rig.irq14().isHigh());
        rig.board.outb(IdeRig.CTL, 0);
        assertTrue(rig.irq14().isHigh(), "the pending interrupt shows once nIEN is cleared");
    }

    @Test
    void hobBitReadsThePreviousRegisterValues() {
        rig.lba48(0x0000_1234_5678_9AL, 0x0102);
        rig.board.outb(IdeRig.CTL, Ata.CONTROL_HOB);
        assertEquals(0x01, rig.reg(Ata.SECTOR_COUNT));
        assertEquals(0x34, rig.reg(Ata.LBA_LOW));
        assertEquals(0x12, rig.reg(Ata.LBA_MID));
        assertEquals(0x00, rig.reg(Ata.LBA_HIGH));
        rig.board.outb(IdeRig.CTL, 0);
        assertEquals(0x02, rig.reg(Ata.SECTOR_COUNT));
        assertEquals(0x9A, rig.reg(Ata.LBA_LOW));
        assertEquals(0x56, rig.reg(Ata.LBA_HIGH));
    }

    @Test
    void readSectorsExtUsesTheFortyEightBitAddress() {
        rig.lba48(1000, 1);
        rig.command(Ata.READ_SECTORS_EXT);
        assertArrayEquals(expected(1000, 1), rig.readData(512));
    }

    @Test
    void readDmaScattersThroughThePrdTable() {
        rig.prdTable(0x20_0000, 1024, 0x30_0000, 3 * 512);
        rig.lba28(40, 5);
        rig.irq14().clearCounts();
        rig.command(Ata.READ_DMA);
        assertEquals(0, rig.irq14().raises(), "nothing moves before the bus master starts");
        rig.startDma(true);
        assertEquals(1, rig.irq14().raises());
        assertEquals(BusMasterDma.STATUS_INTERRUPT, rig.bmStatus() & 0x07,
                "table and transfer ended together: interrupt, not active");
        rig.stopDma();
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        assertArrayEquals(expected(40, 2), rig.memory(0x20_0000, 1024));
        assertArrayEquals(expected(42, 3), rig.memory(0x30_0000, 3 * 512));
    }

    @Test
    void writeDmaGathersFromMemory() throws IOException {
        byte[] data = new byte[4 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        rig.board.memory.writeBytes(0x40_0000, data);
        rig.prdTable(0x40_0000, data.length);
        rig.lba28(300, 4);
        rig.command(Ata.WRITE_DMA);
        rig.startDma(false);
        assertEquals(Ata.DRDY | Ata.DSC, rig.status());
        byte[] back = new byte[data.length];
        image.read(300 * 512L, back, 0, back.length);
        assertArrayEquals(data, back);
    }

    @Test
    void aPrdTableLongerThanTheTransferStaysActive() {
        rig.prdTable(0x20_0000, 8192);
        rig.lba28(0, 2);
        rig.command(Ata.READ_DMA);
        rig.startDma(true);
        assertEquals(BusMasterDma.STATUS_INTERRUPT | BusMasterDma.STATUS_ACTIVE, rig.bmStatus() & 0x07);
    }

    @Test
    void aPrdTableShorterThanTheTransferStopsWithoutInterruptAndResumes() {
        rig.prdTable(0x20_0000, 512);
        rig.lba28(60, 3);
        rig.irq14().clearCounts();
        rig.command(Ata.READ_DMA);
        rig.startDma(true);
        assertEquals(0, rig.bmStatus() & 0x07, "table ran out: neither active nor interrupting");
        assertEquals(0, rig.irq14().raises());
        assertTrue((rig.altStatus() & Ata.DRQ) != 0, "the device still waits to transfer");
        rig.stopDma();
        rig.prdTable(0x21_0000, 1024);
        rig.startDma(true);
        assertEquals(1, rig.irq14().raises());
        assertArrayEquals(expected(60, 1), rig.memory(0x20_0000, 512));
        assertArrayEquals(expected(61, 2), rig.memory(0x21_0000, 1024));
    }

    @Test
    void busMasterStatusBitsClearByWritingOnes() {
        rig.prdTable(0x20_0000, 512);
        rig.lba28(0, 1);
        rig.command(Ata.READ_DMA);
        rig.startDma(true);
        rig.stopDma();
        rig.board.outb(IdeRig.BM + BusMasterDma.STATUS, BusMasterDma.STATUS_INTERRUPT | 0x20);
        assertEquals(0x20, rig.bmStatus());
    }

    @Test
    void theBusMasterPrdPointerKeepsItsDwordAlignment() {
        rig.board.out(IdeRig.BM + BusMasterDma.PRD_POINTER, 4, 0x1234_5677);
        assertEquals(0x1234_5674, rig.board.in(IdeRig.BM + BusMasterDma.PRD_POINTER, 4));
    }

    @Test
    void commandsAreIgnoredWhileDataIsPending() {
        rig.lba28(5, 1);
        rig.command(Ata.READ_SECTORS);
        rig.command(Ata.IDENTIFY_DEVICE);
        assertArrayEquals(expected(5, 1), rig.readData(512));
    }

    @Test
    void executeDeviceDiagnosticInterruptsWithTheSignature() {
        rig.irq14().clearCounts();
        rig.lba28(77, 3);
        rig.command(Ata.EXECUTE_DEVICE_DIAGNOSTIC);
        assertEquals(1, rig.irq14().raises());
        assertEquals(1, rig.error());
        assertEquals(1, rig.reg(Ata.LBA_LOW));
    }

    @Test
    void checkPowerModeReportsActive() {
        rig.command(Ata.CHECK_POWER_MODE);
        assertEquals(0xFF, rig.reg(Ata.SECTOR_COUNT));
    }

    @Test
    void theImageIsNeverWrittenByReads() {
        rig.lba28(0, 16);
        rig.command(Ata.READ_SECTORS);
        for (int i = 0; i < 16; i++) {
            rig.readData(512);
        }
        assertEquals(0, image.writes);
    }

}
