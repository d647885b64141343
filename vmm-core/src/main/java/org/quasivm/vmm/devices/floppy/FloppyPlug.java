package org.quasivm.vmm.devices.floppy;

import java.io.IOException;
import java.util.Objects;

import org.quasivm.disk.BlockDevice;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.devices.dma.IsaDma;
import org.quasivm.vmm.machine.BoardPlug;
import org.quasivm.vmm.machine.BoardWiring;

/**
 * Puts the 82077AA on a board as on a PC/AT: ports 3F0h-3F5h and 3F7h (3F6h belongs to the IDE controller),
 * IRQ 6, ISA DMA channel 2, and the drive types in CMOS 10h and the equipment byte 14h, which SeaBIOS and Linux
 * read. Drive A is a 1.44 MB drive (720 KB if its image is a 720 KB one); drive B exists when it has an image.
 *
 * <p>The plug owns the images it is given and closes them with the board; {@link #insertMedium} and
 * {@link #ejectMedium} change disks on the VM thread.
 */
public final class FloppyPlug implements BoardPlug, AutoCloseable {

    public static final int BASE_PORT = 0x3F0;
    public static final int DIR_PORT = 0x3F7;
    public static final int IRQ = 6;
    public static final int DMA_CHANNEL = 2;
    static final int CMOS_FLOPPY_TYPES = 0x10;
    static final int CMOS_EQUIPMENT = 0x14;

    private final IsaDma dma;
    private final FloppyDrive[] drives = new FloppyDrive[2];
    private Fdc82077 controller;

    /** @param dma the board's ISA DMA controller, plugged in before this plug */
    public FloppyPlug(IsaDma dma) {
        this.dma = Objects.requireNonNull(dma, "dma");
        drives[0] = new FloppyDrive(FloppyDrive.Type.HD_1440K);
    }

    /**
     * Puts {@code image} into drive {@code unit} (0 = A, 1 = B), creating drive B if needed.
     *
     * @throws IllegalArgumentException for an image that is not a 1.44 MB or 720 KB floppy
     */
    public FloppyPlug image(int unit, BlockDevice image, boolean readOnly) {
        Objects.checkIndex(unit, 2);
        if (controller != null) {
            throw new IllegalStateException("the floppy controller is already on a board");
        }
        FloppyGeometry g = FloppyGeometry.ofImageSize(image.size());
        FloppyDrive drive = new FloppyDrive(g == FloppyGeometry.DD_720K ? FloppyDrive.Type.DD_720K
                : FloppyDrive.Type.HD_1440K);
        drive.insert(image, readOnly);
        drives[unit] = drive;
        return this;
    }

    @Override
    public void plugInto(BoardWiring wiring) {
        if (controller != null) {
            throw new IllegalStateException("this floppy controller is already on a board");
        }
        controller = new Fdc82077(wiring.isaIrq(IRQ), dma.channel(DMA_CHANNEL));
        controller.attach(0, drives[0]);
        controller.attach(1, drives[1]);
        BusDevice registers = controller.registers();
        wiring.mapIo("floppy", BASE_PORT, 6, registers, AccessWidth.BYTE);
        wiring.mapIo("floppy-dir", DIR_PORT, 1, new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return registers.read(Fdc82077.DIR_CCR, 1);
            }

            @Override
            public void write(int offset, int size, int value) {
                registers.write(Fdc82077.DIR_CCR, 1, value);
            }
        }, AccessWidth.BYTE);
        int types = drives[0].type().cmosCode() << 4 | (drives[1] == null ? 0 : drives[1].type().cmosCode());
        wiring.setCmosByte(CMOS_FLOPPY_TYPES, types);
        int count = drives[1] == null ? 1 : 2;
        wiring.setCmosByte(CMOS_EQUIPMENT, (wiring.cmosByte(CMOS_EQUIPMENT) & 0x3E) | 0x01 | (count - 1) << 6);
        wiring.onReset(controller::powerOn);
        wiring.onClose(this);
    }

    public Fdc82077 controller() {
        if (controller == null) {
            throw new IllegalStateException("the floppy controller is not on a board yet");
        }
        return controller;
    }

    /** Changes the disk in drive {@code unit} (VM thread), closing the one it replaces. */
    public void insertMedium(int unit, BlockDevice image, boolean readOnly) throws IOException {
        FloppyDrive drive = existing(unit);
        BlockDevice old = drive.insert(image, readOnly);
        if (old != null) {
            old.close();
        }
    }

    /** Takes the disk out of drive {@code unit} (VM thread) and closes it. */
    public void ejectMedium(int unit) throws IOException {
        BlockDevice old = existing(unit).eject();
        if (old != null) {
            old.close();
        }
    }

    private FloppyDrive existing(int unit) {
        FloppyDrive d = drives[Objects.checkIndex(unit, 2)];
        if (d == null) {
            throw new IllegalArgumentException("there is no floppy drive " + (char) ('A' + unit));
        }
        return d;
    }

    /** Closes every image the plug holds (the board does this when it closes; a second call does nothing). */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (FloppyDrive d : drives) {
            if (d == null) {
                continue;
            }
            try {
                BlockDevice m = d.eject();
                if (m != null) {
                    m.close();
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
