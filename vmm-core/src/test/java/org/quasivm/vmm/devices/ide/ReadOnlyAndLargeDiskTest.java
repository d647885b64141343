package org.quasivm.vmm.devices.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.testing.TestImages;

/** A disk marked read-only refuses writes without touching its file; a 200 GiB sparse disk is reached by LBA48. */
class ReadOnlyAndLargeDiskTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needQemuImg() {
        assumeTrue(TestImages.qemuImgAvailable(), "qemu-img (Debian qemu-utils) is not installed");
    }

    @Test
    void aReadOnlyDiskAbortsWritesAndLeavesTheFileUntouched() throws Exception {
        Path raw = TestImages.patternedRaw(dir, "ro.raw", 64 * 512L);
        byte[] before = Files.readAllBytes(raw);
        IdeRig rig = new IdeRig(new IdePlug().disk(IdePosition.PRIMARY_MASTER,
                TestImages.openReadOnly(raw, ImageFormat.RAW), true));
        rig.lba28(1, 1);
        rig.command(Ata.WRITE_SECTORS);
        assertEquals(Ata.DRDY | Ata.DSC | Ata.ERR, rig.status());
        assertEquals(Ata.ERROR_ABRT, rig.error());
        rig.writeData(new byte[512]);
        rig.prdTable(0x20_0000, 512);
        rig.lba28(2, 1);
        rig.command(Ata.WRITE_DMA);
        rig.startDma(false);
        assertEquals(Ata.ERROR_ABRT, rig.error());
        rig.board.close();
        assertArrayEquals(before, Files.readAllBytes(raw));
    }

    @Test
    void lba48ReachesSectorsBeyondTheTwentyEightBitLimit() throws Exception {
        Path vmdk = TestImages.qemuCreate(dir.resolve("big.vmdk"), "vmdk", 200L << 30);
        long sector = (1L << 28) + 12345;
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0xC3);
        try (DiskImage img = TestImages.openWritable(vmdk, ImageFormat.VMDK)) {
            img.write(sector * 512, data, 0, 512);
        }
        IdeRig rig = new IdeRig(new IdePlug().disk(IdePosition.PRIMARY_MASTER,
                TestImages.openWritable(vmdk, ImageFormat.VMDK), false));
        rig.command(Ata.IDENTIFY_DEVICE);
        byte[] id = rig.readData(512);
        assertEquals(0x0FFF_FFFF, IdeRig.word(id, 60) | IdeRig.word(id, 61) << 16);
        assertEquals((200L << 30) / 512, IdeRig.word(id, 100) | (long) IdeRig.word(id, 101) << 16
                | (long) IdeRig.word(id, 102) << 32);
        rig.lba48(sector, 1);
        rig.command(Ata.READ_SECTORS_EXT);
        assertArrayEquals(data, rig.readData(512));
        rig.lba28(sector & 0x0FFF_FFFF, 1);
        rig.command(Ata.READ_SECTORS);
        assertArrayEquals(new byte[512], rig.readData(512), "LBA28 wraps to a different, empty sector");
        rig.board.close();
    }
}
