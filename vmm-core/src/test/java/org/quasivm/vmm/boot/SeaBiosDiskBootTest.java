package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.devices.ide.IdePosition;
import org.quasivm.vmm.machine.BootDeviceOrder;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.machine.StopReason;
import org.quasivm.templates.assets.FloppyImage;
import org.quasivm.templates.assets.StorageGuest;

/**
 * The storage acceptance on the software CPU, deterministic clock. SeaBIOS boots a copy of the SYSLINUX VMDK
 * (primary master) with the boot CD on the secondary master and the test floppy in drive A; in Linux, ata_piix
 * drives the disk and the CD-ROM by DMA, the floppy driver finds the 82077AA, the floppy's known files and the
 * CD's first 50 MiB read back with the host's checksums, and a 10 MiB file written to the disk and synced is in
 * the image after power-off, read from the host through disk-formats. Then the same machine boots the CD on the
 * secondary master (ISOLINUX) and reads the file back from the disk.
 *
 * <p>Two boots, in order; everything else is checked inside them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeaBiosDiskBootTest {

    private static final Duration BOOT = Duration.ofMinutes(20);
    private static final Duration COMMAND = Duration.ofMinutes(5);
    private static final long MIB = 1 << 20;
    /** BIG.BIN is the CD's bytes from 20 MiB on: known to the host, and not zeros. */
    private static final int BIG_SKIP_MIB = 20;
    private static final int BIG_MIB = 10;

    @TempDir
    static Path dir;
    private static StorageGuest guest;
    private static Path disk;
    private static StorageGuests.Setup setup;
    private static Machine machine;
    private static GuestShell shell;
    private static String dmesg;

    @BeforeAll
    static void bootFromTheVmdk() throws Exception {
        guest = StorageGuests.guest();
        disk = Files.copy(guest.diskVmdk(), dir.resolve("disk.vmdk"));
        setup = new StorageGuests.Setup()
                .disk(IdePosition.PRIMARY_MASTER, disk, ImageFormat.VMDK)
                .cdrom(IdePosition.SECONDARY_MASTER, guest.iso())
                .floppy(guest.floppy())
                .boot(BootDeviceOrder.DISK);
        machine = setup.start();
        awaitPrompt(setup);
        shell = new GuestShell(setup.terminal);
        dmesg = shell.ok("dmesg", COMMAND);
    }

    @AfterAll
    static void powerOff() throws Exception {
        if (machine != null) {
            machine.close();
        }
    }

    private static void awaitPrompt(StorageGuests.Setup s) throws InterruptedException {
        assertNotNull(s.terminal.transcript.awaitMatch(Pattern.compile(Pattern.quote(StorageGuests.PROMPT)), 0, BOOT),
                "no shell prompt; last lines:\n" + String.join("\n", s.terminal.transcript.lastLines(40)));
    }

    private static String md5(byte[] data, int offset, int length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update(data, offset, length);
        return HexFormat.of().formatHex(md.digest());
    }

    private static byte[] isoSlice(long offset, int length) throws Exception {
        byte[] all = Files.readAllBytes(guest.iso());
        return Arrays.copyOfRange(all, (int) offset, (int) offset + length);
    }

    @Test
    @Order(1)
    void seaBiosBootedTheHardDiskThroughSyslinux() {
        assertTrue(setup.firmware.contains("ata0-0: QuasiVM HARDDISK ATA-7 Hard-Disk (64 MiBytes)"),
                String.join("\n", setup.firmware.lines()));
        assertTrue(setup.firmware.contains("DVD/CD [ata1-0: QuasiVM CD-ROM ATAPI-4 DVD/CD]"));
        assertTrue(setup.firmware.contains("Booting from Hard Disk"));
        assertTrue(setup.terminal.transcript.text().contains("SYSLINUX 6.04"));
    }

    @ParameterizedTest
    @Order(2)
    @ValueSource(strings = {
        "ata_piix 0000:00:01.1: version",
        "ata1: PATA max MWDMA2 cmd 0x1f0 ctl 0x3f6 bmdma 0x",
        "ata2: PATA max MWDMA2 cmd 0x170 ctl 0x376 bmdma 0x",
        "ata1.00: ATA-7: QuasiVM HARDDISK, 1.0, max UDMA/100",
        "ata1.00: 131072 sectors, multi 0: LBA48",
        "ata2.00: ATAPI: QuasiVM CD-ROM, 1.0, max UDMA/100",
        "sd 0:0:0:0: [sda] 131072 512-byte logical blocks: (67.1 MB/64.0 MiB)",
        " sda: sda1",
        "sr 1:0:0:0: [sr0] scsi3-mmc drive: 4x/4x tray",
        "Floppy drive(s): fd0 is 1.44M",
        "FDC 0 is a post-1991 82077"})
    void dmesgShowsTheControllersAndTheirDevices(String line) {
        assertTrue(dmesg.contains(line), "dmesg lacks \"" + line + "\":\n" + dmesg);
    }

    @Test
    @Order(3)
    void noOopsWarningOrAtaErrorDuringTheBoot() {
        for (String bad : new String[] {"Oops", "BUG:", "WARNING:", "Call Trace", "exception Emask", "failed command",
            "I/O error", "SRST failed"}) {
            assertTrue(!dmesg.contains(bad), "dmesg has \"" + bad + "\":\n" + dmesg);
        }
    }

    @Test
    @Order(4)
    void theDiskAndTheCdromRunInMultiwordDmaMode() throws Exception {
        String modes = shell.ok("cat /sys/class/ata_device/dev1.0/xfer_mode /sys/class/ata_device/dev2.0/xfer_mode",
                COMMAND);
        assertEquals("XFER_MW_DMA_2\nXFER_MW_DMA_2\n", modes);
        long disk = machine.inspect(b -> setup.ide.controller().channel(0).dmaBytes()).get();
        long cd = machine.inspect(b -> setup.ide.controller().channel(1).dmaBytes()).get();
        assertTrue(disk > 0 && cd > 0, "the bus masters moved " + disk + " and " + cd + " bytes");
    }

    @Test
    @Order(5)
    void theFloppysKnownFilesReadBack() throws Exception {
        String out = shell.ok("mkdir -p /floppy && mount -t vfat -o ro /dev/fd0 /floppy && cat /floppy/"
                + FloppyImage.TEXT_FILE + " && md5sum /floppy/" + FloppyImage.DATA_FILE + " && umount /floppy",
                COMMAND);
        byte[] data = FloppyImage.data();
        assertTrue(out.contains(FloppyImage.TEXT), out);
        assertTrue(out.contains(md5(data, 0, data.length) + "  /floppy/" + FloppyImage.DATA_FILE), out);
    }

    @Test
    @Order(6)
    void theCdsFirstFiftyMibHaveTheHostsChecksum() throws Exception {
        long before = machine.inspect(b -> setup.ide.controller().channel(1).dmaBytes()).get();
        String out = shell.ok("dd if=/dev/sr0 bs=1M count=50 2>/dev/null | md5sum", COMMAND);
        assertEquals(md5(isoSlice(0, (int) (50 * MIB)), 0, (int) (50 * MIB)) + "  -", out.strip());
        long moved = machine.inspect(b -> setup.ide.controller().channel(1).dmaBytes()).get() - before;
        assertTrue(moved >= 50 * MIB, "the CD-ROM's bus master moved only " + moved + " bytes");
    }

    @Test
    @Order(7)
    void aTenMibFileWrittenAndSyncedIsInTheImageAfterPowerOff() throws Exception {
        byte[] expected = isoSlice(BIG_SKIP_MIB * MIB, (int) (BIG_MIB * MIB));
        String out = shell.ok("mount -t vfat /dev/sda1 /mnt && dd if=/dev/sr0 of=/mnt/BIG.BIN bs=1M skip="
                + BIG_SKIP_MIB + " count=" + BIG_MIB + " 2>/dev/null && sync && md5sum /mnt/BIG.BIN", COMMAND);
        assertEquals(md5(expected, 0, expected.length) + "  /mnt/BIG.BIN", out.strip());
        setup.terminal.type("poweroff -f\n");
        Optional<StopReason> stop = machine.awaitStop(COMMAND);
        assertTrue(stop.isPresent(), "the guest did not power off; last lines:\n"
                + String.join("\n", setup.terminal.transcript.lastLines(40)));
        assertEquals(StopReason.Kind.GUEST_POWER_OFF, stop.get().kind());
        try (DiskImage image = DiskImages.open(disk)) {
            assertArrayEquals(expected, Fat16File.read(image, 2048 * 512L, "BIG.BIN"));
        }
    }

    @Test
    @Order(8)
    void theCdOnTheSecondaryMasterBootsAndReadsTheFileBack() throws Exception {
        machine.close(); // already off unless the power-off above failed; the first VM must let go of the disk
        StorageGuests.Setup cd = new StorageGuests.Setup()
                .disk(IdePosition.PRIMARY_MASTER, disk, ImageFormat.VMDK)
                .cdrom(IdePosition.SECONDARY_MASTER, guest.iso())
                .boot(BootDeviceOrder.CDROM, BootDeviceOrder.DISK);
        try (Machine second = cd.start()) {
            awaitPrompt(cd);
            assertTrue(cd.firmware.contains("Booting from DVD/CD"), String.join("\n", cd.firmware.lines()));
            assertTrue(cd.terminal.transcript.text().contains("ISOLINUX 6.04"));
            String out = new GuestShell(cd.terminal).ok("mount -t vfat -o ro /dev/sda1 /mnt && md5sum /mnt/BIG.BIN",
                    COMMAND);
            byte[] expected = isoSlice(BIG_SKIP_MIB * MIB, (int) (BIG_MIB * MIB));
            assertEquals(md5(expected, 0, expected.length) + "  /mnt/BIG.BIN", out.strip());
        }
    }
}
