package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.quasivm.templates.assets.FloppyImage;
import org.quasivm.templates.assets.StorageGuest;
import org.quasivm.vmm.machine.BootDeviceOrder;
import org.quasivm.vmm.machine.Machine;

/**
 * SeaBIOS boots the test floppy on the software CPU (its floppy driver programs the 82077AA and ISA DMA channel 2
 * to read SYSLINUX), and SYSLINUX, reading the rest of itself and its configuration through the BIOS, reaches its
 * prompt on COM1. No other drive is attached, so nothing else could have booted.
 */
class SeaBiosFloppyBootTest {

    private static final Duration BOOT = Duration.ofMinutes(10);

    @Test
    void seaBiosBootsTheFloppyAndSyslinuxReachesItsPrompt() throws Exception {
        StorageGuest guest = StorageGuests.guest();
        StorageGuests.Setup setup = new StorageGuests.Setup().floppy(guest.floppy()).boot(BootDeviceOrder.FLOPPY);
        try (Machine machine = setup.start()) {
            assertNotNull(setup.terminal.transcript.awaitMatch(Pattern.compile("(?s)SYSLINUX 6\\.04.*"
                    + Pattern.quote(FloppyImage.BOOT_PROMPT)), 0, BOOT), "no SYSLINUX prompt; serial:\n"
                    + setup.terminal.transcript.text() + "\nfirmware:\n" + String.join("\n", setup.firmware.lines()));
            assertTrue(setup.firmware.contains("Booting from Floppy"), String.join("\n", setup.firmware.lines()));
        }
    }
}
