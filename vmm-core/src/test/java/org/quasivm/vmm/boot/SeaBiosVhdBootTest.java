package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.devices.ide.IdePosition;
import org.quasivm.vmm.machine.BootDeviceOrder;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.templates.assets.StorageGuest;

/**
 * SeaBIOS boots the VHD copy of the boot disk on the software CPU, deterministic clock, to the busybox shell; the
 * guest then reads the kernel back off the disk with the host's checksum. One boot.
 */
class SeaBiosVhdBootTest {

    private static final Duration BOOT = Duration.ofMinutes(20);
    private static final Duration COMMAND = Duration.ofMinutes(5);

    @TempDir
    static Path dir;
    private static StorageGuest guest;
    private static StorageGuests.Setup setup;
    private static Machine machine;

    @BeforeAll
    static void bootFromTheVhd() throws Exception {
        guest = StorageGuests.guest();
        Path vhd = Files.copy(guest.diskVhd(), dir.resolve("disk.vhd"));
        setup = new StorageGuests.Setup().disk(IdePosition.PRIMARY_MASTER, vhd, ImageFormat.VHD)
                .boot(BootDeviceOrder.DISK);
        machine = setup.start();
        assertNotNull(setup.terminal.transcript.awaitMatch(Pattern.compile(Pattern.quote(StorageGuests.PROMPT)), 0,
                BOOT), "no shell prompt; last lines:\n" + String.join("\n", setup.terminal.transcript.lastLines(40)));
    }

    @AfterAll
    static void powerOff() throws Exception {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void seaBiosBootedTheVhdThroughSyslinux() {
        assertTrue(setup.firmware.contains("Booting from Hard Disk"), String.join("\n", setup.firmware.lines()));
        assertTrue(setup.terminal.transcript.text().contains("SYSLINUX 6.04"));
    }

    @Test
    void theGuestReadsTheKernelBackOffTheDisk() throws Exception {
        String out = new GuestShell(setup.terminal).ok("mount -t vfat -o ro /dev/sda1 /mnt && md5sum /mnt/vmlinuz",
                COMMAND);
        String host = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(
                Files.readAllBytes(guest.linux().kernel())));
        assertEquals(host + "  /mnt/vmlinuz", out.strip());
    }
}
