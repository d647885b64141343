package org.quasivm.vmm.boot;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.quasivm.disk.ImageFormat;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.devices.dma.IsaDma;
import org.quasivm.vmm.devices.floppy.FloppyPlug;
import org.quasivm.vmm.devices.ide.IdePlug;
import org.quasivm.vmm.devices.ide.IdePosition;
import org.quasivm.vmm.devices.vga.VgaPlug;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.BootDeviceOrder;
import org.quasivm.vmm.machine.FirmwareImages;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.storage.LockedImage;
import org.quasivm.vmm.testing.DebianGuests;
import org.quasivm.vmm.testing.LogLines;
import org.quasivm.vmm.testing.TestTerminal;
import org.quasivm.templates.assets.StorageGuest;

/**
 * The storage boot tests' guest and machine: the boot media the asset builder makes ({@link DebianGuests}: built on
 * first use; a failure to build them fails the test), and a PC with SeaBIOS, the VGA, the IDE controller and the
 * floppy controller on the software CPU with the deterministic clock.
 */
final class StorageGuests {

    static final String PROMPT = DebianGuests.PROMPT;

    private StorageGuests() {
    }

    static StorageGuest guest() {
        assumeTrue(FirmwareImages.findSeaBios().isPresent() && FirmwareImages.findVgaBios().isPresent(),
                "Debian package seabios is not installed");
        return DebianGuests.storage();
    }

    /** What to attach and where to boot from. */
    static final class Setup {
        final TestTerminal terminal = new TestTerminal();
        final LogLines firmware = new LogLines();
        final IdePlug ide = new IdePlug();
        private final List<LockedImage> floppies = new ArrayList<>();
        private final List<BootDeviceOrder> order = new ArrayList<>();

        Setup disk(IdePosition position, Path image, ImageFormat format) throws IOException {
            ide.disk(position, LockedImage.open(image, format, true, "storage-test"), false);
            return this;
        }

        Setup cdrom(IdePosition position, Path iso) throws IOException {
            ide.cdrom(position, LockedImage.open(iso, ImageFormat.RAW, false, "storage-test"));
            return this;
        }

        Setup floppy(Path image) throws IOException {
            floppies.add(LockedImage.open(image, ImageFormat.RAW, false, "storage-test"));
            return this;
        }

        Setup boot(BootDeviceOrder... devices) {
            order.addAll(List.of(devices));
            return this;
        }

        Machine start() throws IOException {
            IsaDma dma = new IsaDma();
            FloppyPlug floppy = new FloppyPlug(dma);
            if (!floppies.isEmpty()) {
                floppy.image(0, floppies.get(0), true);
            }
            BoardConfig config = BoardConfig.builder(256 << 20,
                    FirmwareImages.seaBios(FirmwareImages.findSeaBios().orElseThrow()))
                    .clock(ClockMode.DETERMINISTIC).noGraphic(true).com1(terminal).firmwareLog(firmware)
                    .bootOrder(order)
                    .plug(new VgaPlug(16, Files.readAllBytes(FirmwareImages.findVgaBios().orElseThrow())))
                    .plug(dma).plug(floppy).plug(ide).build();
            Machine machine = Machine.create(config, SoftwareExecutor::new, "storage-test");
            machine.start();
            return machine;
        }
    }
}
