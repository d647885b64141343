package org.quasivm.vmm.devices.ide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.launch.MediaChanger;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.storage.ImageLock;
import org.quasivm.vmm.testing.TestImages;

/** CD-ROM media changed through the machine's API while a guest runs, with the ISO claimed while inserted. */
class MediaChangeOnARunningMachineTest {

    @TempDir
    Path dir;

    @Test
    void insertAndEjectReachTheDriveOnTheVmThreadAndTheClaimFollowsTheMedium() throws Exception {
        Path iso = TestImages.patternedRaw(dir, "cd.iso", 16 * 2048);
        Path rom = Path.of(System.getProperty("quasivm.repo.root"), "vmm-core/src/test/guests/serial.bin");
        IdePlug ide = new IdePlug().cdrom(IdePosition.SECONDARY_MASTER, null);
        BoardConfig config = BoardConfig.builder(16 << 20, FirmwareImages.customRom(rom, null))
                .clock(ClockMode.DETERMINISTIC).plug(ide).build();
        try (Machine machine = Machine.create(config, SoftwareExecutor::new, "media")) {
            machine.start();
            MediaChanger changer = new MediaChanger(machine, ide, "media");
            changer.insert(IdePosition.SECONDARY_MASTER, iso).get(30, TimeUnit.SECONDS);
            assertTrue(machine.inspect(b -> ide.cdromAt(IdePosition.SECONDARY_MASTER).hasMedium())
                    .get(30, TimeUnit.SECONDS));
            assertTrue(Files.readString(ImageLock.lockFileOf(iso)).contains("shared media"));
            changer.eject(IdePosition.SECONDARY_MASTER, false).get(30, TimeUnit.SECONDS);
            assertFalse(machine.inspect(b -> ide.cdromAt(IdePosition.SECONDARY_MASTER).hasMedium())
                    .get(30, TimeUnit.SECONDS));
            assertEquals("", Files.readString(ImageLock.lockFileOf(iso)), "ejecting released the claim");
        }
    }

    @Test
    void aPositionWithoutADriveIsRefusedBeforeAnythingIsOpened() throws Exception {
        Path iso = TestImages.patternedRaw(dir, "cd.iso", 2048);
        Path rom = Path.of(System.getProperty("quasivm.repo.root"), "vmm-core/src/test/guests/serial.bin");
        IdePlug ide = new IdePlug();
        BoardConfig config = BoardConfig.builder(16 << 20, FirmwareImages.customRom(rom, null))
                .clock(ClockMode.DETERMINISTIC).plug(ide).build();
        try (Machine machine = Machine.create(config, SoftwareExecutor::new, "media")) {
            machine.start();
            MediaChanger changer = new MediaChanger(machine, ide, "media");
            assertThrows(IllegalArgumentException.class, () -> changer.insert(IdePosition.PRIMARY_SLAVE, iso));
            assertFalse(Files.exists(ImageLock.lockFileOf(iso)));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> changer.eject(IdePosition.PRIMARY_SLAVE, true).get(30, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        }
    }
}
