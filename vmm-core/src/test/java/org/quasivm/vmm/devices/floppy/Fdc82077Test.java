package org.quasivm.vmm.devices.floppy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.devices.dma.IsaDma;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.TestBoardWiring;
import org.quasivm.vmm.testing.TestImages;

/** The 82077AA with a 1.44 MB image in drive A, driven through ports 3F0h-3F7h and ISA DMA channel 2. */
class Fdc82077Test {

    private static final int BASE = 0x3F0;
    private static final int DOR = BASE + 2;
    private static final int MSR = BASE + 4;
    private static final int FIFO = BASE + 5;
    private static final int DIR = BASE + 7;
    private static final long BUFFER = 0x2_0000;

    @TempDir
    Path dir;
    private Path image;
    private TestBoardWiring board;
    private FloppyPlug plug;

    @BeforeEach
    void setUp() throws Exception {
        image = TestImages.patternedRaw(dir, "a.img", FloppyGeometry.HD_1440K.bytes());
        plugWith(false);
    }

    private void plugWith(boolean readOnly) throws Exception {
        if (board != null) {
            board.close();
        }
        board = new TestBoardWiring();
        IsaDma dma = new IsaDma();
        dma.plugInto(board);
        plug = new FloppyPlug(dma).image(0, readOnly ? TestImages.openReadOnly(image, ImageFormat.RAW)
                : TestImages.openWritable(image, ImageFormat.RAW), readOnly);
        plug.plugInto(board);
        board.outb(DOR, 0x1C);            // motor A on, DMA and IRQ enabled, out of reset
        for (int i = 0; i < 4; i++) {
            command(Fdc82077.CMD_SENSE_INTERRUPT);
            results();
        }
        irq().clearCounts();
    }

    @AfterEach
    void tearDown() throws Exception {
        board.close();
    }

    private RecordingIrqLine irq() {
        return board.irq(FloppyPlug.IRQ);
    }

    private void command(int... bytes) {
        for (int b : bytes) {
            int msr = board.inb(MSR);
            assertEquals(Fdc82077.MSR_RQM, msr & (Fdc82077.MSR_RQM | Fdc82077.MSR_DIO), "not ready for a byte");
            board.outb(FIFO, b);
        }
    }

    private int[] results() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((board.inb(MSR) & (Fdc82077.MSR_RQM | Fdc82077.MSR_DIO)) == (Fdc82077.MSR_RQM | Fdc82077.MSR_DIO)) {
            out.write(board.inb(FIFO));
            assertTrue(out.size() <= Fdc82077.MAX_RESULT);
        }
        byte[] b = out.toByteArray();
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i] & 0xFF;
        }
        return r;
    }

    private void dmaChannel2(int mode, long address, int bytes) {
        board.outb(0x0A, 0x06);
        board.outb(0x0C, 0);
        board.outb(0x0B, mode | 0x40 | 2);
        board.outb(0x04, (int) address);
        board.outb(0x04, (int) (address >> 8));
        board.outb(0x81, (int) (address >> 16));
        board.outb(0x05, bytes - 1);
        board.outb(0x05, (bytes - 1) >> 8);
        board.outb(0x0A, 0x02);
    }

    private void seek(int cylinder) {
        command(Fdc82077.CMD_SEEK, 0, cylinder);
        command(Fdc82077.CMD_SENSE_INTERRUPT);
        results();
    }

    private static byte[] sectors(int c, int h, int r, int count) {
        long start = ((c * 2L + h) * 18 + r - 1) * 512;
        byte[] b = new byte[count * 512];
        for (int i = 0; i < b.length; i++) {
            b[i] = TestImages.pattern(start + i);
        }
        return b;
    }

    private byte[] memory(long address, int length) {
        byte[] b = new byte[length];
        board.memory.readBytes(address, b, 0, length);
        return b;
    }

    @Test
    void theDriveTypesGoIntoCmos() {
        assertEquals(0x40, board.cmos[0x10], "drive A 1.44 MB, no drive B");
        assertEquals(0x01, board.cmos[0x14] & 0xC1, "one floppy drive installed");
    }

    @Test
    void versionIdentifiesThe82077AA() {
        command(Fdc82077.CMD_VERSION);
        assertArrayEquals(new int[] {0x90}, results());
    }

    @Test
    void anUnknownCommandAnswersInvalidWithOneByte() {
        command(0x18);                    // PART ID exists only on the 82078
        assertArrayEquals(new int[] {0x80}, results());
        command(Fdc82077.CMD_VERSION);
        assertArrayEquals(new int[] {0x90}, results(), "the controller is back in the command phase");
    }

    @Test
    void aResetInterruptsAndOffersFourPolledSenses() {
        board.outb(MSR, Fdc82077.DSR_RESET);
        assertTrue(irq().isHigh());
        for (int unit = 0; unit < 4; unit++) {
            command(Fdc82077.CMD_SENSE_INTERRUPT);
            int[] r = results();
            assertEquals(0xC0 | unit, r[0]);
        }
        command(Fdc82077.CMD_SENSE_INTERRUPT);
        assertArrayEquals(new int[] {0x80}, results(), "no interrupt left to sense");
    }

    @Test
    void theInterruptLineIsGatedByTheDorDmaBit() {
        board.outb(DOR, 0x14);
        command(Fdc82077.CMD_RECALIBRATE, 0);
        assertFalse(irq().isHigh());
        board.outb(DOR, 0x1C);
        assertTrue(irq().isHigh());
    }

    @Test
    void seekInterruptsAndSenseReportsTheCylinder() {
        command(Fdc82077.CMD_SEEK, 0x04, 33);
        assertEquals(1, irq().raises());
        command(Fdc82077.CMD_SENSE_INTERRUPT);
        assertArrayEquals(new int[] {0x20 | 0x04, 33}, results());
        assertFalse(irq().isHigh());
    }

    @Test
    void recalibrateReturnsToTrackZero() {
        seek(10);
        command(Fdc82077.CMD_RECALIBRATE, 0);
        command(Fdc82077.CMD_SENSE_INTERRUPT);
        assertArrayEquals(new int[] {0x20, 0}, results());
    }

    @Test
    void seekingAMissingDriveIsAnEquipmentCheck() {
        command(Fdc82077.CMD_RECALIBRATE, 1);
        command(Fdc82077.CMD_SENSE_INTERRUPT);
        assertEquals(0x40 | 0x20 | 0x10 | 1, results()[0]);
    }

    @Test
    void readDataByDmaCopiesSectorsIntoMemory() {
        seek(2);
        irq().clearCounts();
        dmaChannel2(0x04, BUFFER, 3 * 512);
        command(0xE6, 0x00, 2, 0, 4, 2, 18, 0x1B, 0xFF);
        assertEquals(1, irq().raises());
        int[] r = results();
        assertArrayEquals(new int[] {0x00, 0, 0, 2, 0, 7, 2}, r);
        assertArrayEquals(sectors(2, 0, 4, 3), memory(BUFFER, 3 * 512));
    }

    @Test
    void aMultiTrackReadContinuesOnTheSecondSide() {
        dmaChannel2(0x04, BUFFER, 4 * 512);
        command(0xC6, 0x00, 0, 0, 17, 2, 18, 0x1B, 0xFF);
        int[] r = results();
        assertEquals(0, r[0] & 0xC0);
        assertArrayEquals(new int[] {0, 1, 3}, Arrays.copyOfRange(r, 3, 6));
        byte[] want = new byte[4 * 512];
        System.arraycopy(sectors(0, 0, 17, 2), 0, want, 0, 1024);
        System.arraycopy(sectors(0, 1, 1, 2), 0, want, 1024, 1024);
        assertArrayEquals(want, memory(BUFFER, 4 * 512));
    }

    @Test
    void readingToTheEndOfTheTrackWithoutTerminalCountIsEndOfCylinder() {
        dmaChannel2(0x04, BUFFER, 16 * 512);
        command(0x46, 0x00, 0, 0, 17, 2, 18, 0x1B, 0xFF);
        int[] r = results();
        assertEquals(0x40, r[0] & 0xC0);
        assertEquals(0x80, r[1]);
    }

    @Test
    void writeDataByDmaReachesTheImage() throws Exception {
        byte[] data = new byte[1024];
        Arrays.fill(data, (byte) 0x6B);
        board.memory.writeBytes(BUFFER, data);
        dmaChannel2(0x08, BUFFER, 1024);
        command(0xC5, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF);
        assertEquals(0, results()[0] & 0xC0);
        board.close();
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(image), 0, 1024));
        board = null;
        plugWith(false);
    }

    @Test
    void aWriteProtectedDiskReportsNotWritableAndStaysUnchanged() throws Exception {
        plugWith(true);
        byte[] before = Files.readAllBytes(image);
        dmaChannel2(0x08, BUFFER, 512);
        command(0x45, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF);
        int[] r = results();
        assertEquals(0x40, r[0] & 0xC0);
        assertEquals(Fdc82077.ST1_NOT_WRITABLE, r[1]);
        command(Fdc82077.CMD_SENSE_DRIVE_STATUS, 0);
        assertEquals(Fdc82077.ST3_WRITE_PROTECTED, results()[0] & Fdc82077.ST3_WRITE_PROTECTED);
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    @Test
    void theWrongDataRateFindsNoAddressMark() {
        board.outb(DIR, 2);               // 250 kbit/s: a 720 KB disk's rate
        dmaChannel2(0x04, BUFFER, 512);
        command(0x46, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF);
        int[] r = results();
        assertEquals(0x40, r[0] & 0xC0);
        assertEquals(Fdc82077.ST1_MISSING_ADDRESS_MARK, r[1]);
    }

    @Test
    void aCylinderThatIsNotUnderTheHeadIsNoDataWrongCylinder() {
        dmaChannel2(0x04, BUFFER, 512);
        command(0x46, 0x00, 5, 0, 1, 2, 18, 0x1B, 0xFF);
        int[] r = results();
        assertEquals(Fdc82077.ST1_NO_DATA, r[1]);
        assertEquals(Fdc82077.ST2_WRONG_CYLINDER, r[2]);
    }

    @Test
    void impliedSeekMovesTheHeadWhenConfigured() {
        command(Fdc82077.CMD_CONFIGURE, 0, Fdc82077.CONFIG_EIS, 0);
        dmaChannel2(0x04, BUFFER, 512);
        command(0x46, 0x00, 5, 0, 1, 2, 18, 0x1B, 0xFF);
        assertEquals(0, results()[0] & 0xC0);
        assertArrayEquals(sectors(5, 0, 1, 1), memory(BUFFER, 512));
    }

    @Test
    void readIdReportsTheCylinderUnderTheHead() {
        seek(7);
        command(0x4A, 0x04);
        assertArrayEquals(new int[] {0x04, 0, 0, 7, 1, 1, 2}, results());
    }

    @Test
    void formatTrackFillsTheNamedSectors() throws Exception {
        seek(1);
        byte[] ids = new byte[18 * 4];
        for (int r = 0; r < 18; r++) {
            ids[4 * r] = 1;
            ids[4 * r + 1] = 0;
            ids[4 * r + 2] = (byte) (r + 1);
            ids[4 * r + 3] = 2;
        }
        board.memory.writeBytes(BUFFER, ids);
        dmaChannel2(0x08, BUFFER, ids.length);
        command(0x4D, 0x00, 2, 18, 0x54, 0xE5);
        assertEquals(0, results()[0] & 0xC0);
        board.close();
        byte[] all = Files.readAllBytes(image);
        byte[] track = Arrays.copyOfRange(all, 36 * 512, 54 * 512);
        byte[] want = new byte[18 * 512];
        Arrays.fill(want, (byte) 0xE5);
        assertArrayEquals(want, track);
        assertEquals(TestImages.pattern(54 * 512 + 7), all[54 * 512 + 7], "the other side is untouched");
        board = null;
        plugWith(false);
    }

    @Test
    void dumpregShowsSpecifyConfigureAndTheCylinders() {
        command(Fdc82077.CMD_SPECIFY, 0xDF, 0x02);
        command(Fdc82077.CMD_CONFIGURE, 0, 0x57, 3);
        seek(9);
        command(Fdc82077.CMD_DUMPREG);
        int[] r = results();
        assertEquals(10, r.length);
        assertEquals(9, r[0]);
        assertEquals(0xDF, r[4]);
        assertEquals(0x02, r[5]);
        assertEquals(0x57, r[8]);
        assertEquals(3, r[9]);
    }

    @Test
    void lockKeepsTheConfigurationThroughAReset() {
        command(Fdc82077.CMD_CONFIGURE, 0, 0x57, 3);
        command(0x94);
        assertArrayEquals(new int[] {0x10}, results());
        board.outb(MSR, Fdc82077.DSR_RESET);
        for (int i = 0; i < 4; i++) {
            command(Fdc82077.CMD_SENSE_INTERRUPT);
            results();
        }
        command(Fdc82077.CMD_DUMPREG);
        int[] r = results();
        assertEquals(0x80, r[7] & 0x80);
        assertEquals(0x57, r[8]);
        command(0x14);
        assertArrayEquals(new int[] {0x00}, results());
    }

    @Test
    void theDiskChangeLineIsActiveUntilAStepWithADiskInside() throws Exception {
        assertEquals(0x80, board.inb(DIR) & 0x80);
        seek(1);
        assertEquals(0, board.inb(DIR) & 0x80);
        plug.ejectMedium(0);
        assertEquals(0x80, board.inb(DIR) & 0x80);
        seek(3);
        assertEquals(0x80, board.inb(DIR) & 0x80, "no disk: stepping does not reset the line");
    }

    @Test
    void nonDmaModeMovesDataThroughTheFifo() {
        command(Fdc82077.CMD_SPECIFY, 0xDF, 0x03);
        command(0x46, 0x00, 0, 0, 18, 2, 18, 0x1B, 0xFF);
        byte[] got = new byte[512];
        for (int i = 0; i < 512; i++) {
            int msr = board.inb(MSR);
            assertEquals(Fdc82077.MSR_RQM | Fdc82077.MSR_DIO | Fdc82077.MSR_NDMA | Fdc82077.MSR_CB, msr);
            got[i] = (byte) board.inb(FIFO);
        }
        assertArrayEquals(sectors(0, 0, 18, 1), got);
        int[] r = results();
        assertEquals(7, r.length);
        assertEquals(0x80, r[1], "no terminal count in non-DMA mode: end of cylinder");
    }

    @Test
    void aMaskedChannelHoldsTheTransferUntilItIsUnmasked() {
        dmaChannel2(0x04, BUFFER, 512);
        board.outb(0x0A, 0x06);
        command(0x46, 0x00, 0, 0, 3, 2, 18, 0x1B, 0xFF);
        assertEquals(Fdc82077.MSR_CB, board.inb(MSR));
        assertEquals(0, irq().raises());
        board.outb(0x0A, 0x02);
        assertEquals(1, irq().raises());
        assertEquals(0, results()[0] & 0xC0);
        assertArrayEquals(sectors(0, 0, 3, 1), memory(BUFFER, 512));
    }

    @Test
    void aHeldResetShowsAnEmptyStatusAndIgnoresTheFifo() {
        board.outb(DOR, 0x18);
        assertEquals(0, board.inb(MSR));
        board.outb(FIFO, Fdc82077.CMD_VERSION);
        board.outb(DOR, 0x1C);
        for (int i = 0; i < 4; i++) {
            command(Fdc82077.CMD_SENSE_INTERRUPT);
            results();
        }
        command(Fdc82077.CMD_VERSION);
        assertArrayEquals(new int[] {0x90}, results());
    }

    @Test
    void imagesOfOtherSizesAreRefusedWithTheSizesThatWork() throws Exception {
        Path odd = TestImages.patternedRaw(dir, "odd.img", 1_000_000);
        var img = TestImages.openReadOnly(odd, ImageFormat.RAW);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FloppyPlug(IsaDma.on(board.memory)).image(0, img, true));
        assertTrue(e.getMessage().contains("1474560"), e.getMessage());
        img.close();
    }

    @Test
    void aSeventyTwentyImageMakesASeventyTwentyDrive() throws Exception {
        Path dd = TestImages.patternedRaw(dir, "dd.img", FloppyGeometry.DD_720K.bytes());
        TestBoardWiring other = new TestBoardWiring();
        IsaDma dma = new IsaDma();
        dma.plugInto(other);
        new FloppyPlug(dma).image(0, TestImages.openReadOnly(dd, ImageFormat.RAW), true).plugInto(other);
        assertEquals(0x30, other.cmos[0x10]);
        other.close();
    }
}
