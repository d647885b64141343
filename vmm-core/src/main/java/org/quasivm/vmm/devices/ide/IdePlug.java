package org.quasivm.vmm.devices.ide;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.quasivm.disk.BlockDevice;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.machine.BoardPlug;
import org.quasivm.vmm.machine.BoardWiring;

/**
 * Puts the PIIX3 IDE controller on a board as QEMU's i440FX machine has it: function 00:01.1, the primary channel
 * at 1F0h-1F7h/3F6h on IRQ 14, the secondary at 170h-177h/376h on IRQ 15, bus-master registers in BAR4.
 *
 * <p>The plug owns the images it is given: it closes them when the board closes, and closes a CD-ROM's medium when
 * it is ejected or replaced. {@link #insertMedium} and {@link #ejectMedium} run on the VM thread — from the CLI or
 * console through {@code Machine.inspect}.
 */
public final class IdePlug implements BoardPlug, AutoCloseable {

    public static final int PRIMARY_PORT = 0x1F0;
    public static final int PRIMARY_CONTROL_PORT = 0x3F6;
    public static final int SECONDARY_PORT = 0x170;
    public static final int SECONDARY_CONTROL_PORT = 0x376;
    public static final int PRIMARY_IRQ = 14;
    public static final int SECONDARY_IRQ = 15;
    public static final int PCI_DEVICE = 1;
    public static final int PCI_FUNCTION = 1;

    private final Map<IdePosition, IdeDevice> devices = new EnumMap<>(IdePosition.class);
    private final List<BlockDevice> owned = new ArrayList<>();
    private final Map<IdePosition, BlockDevice> media = new EnumMap<>(IdePosition.class);
    private Piix3Ide controller;

    /** Attaches a hard disk at {@code position}. */
    public IdePlug disk(IdePosition position, BlockDevice image, boolean readOnly) {
        Objects.requireNonNull(image, "image");
        place(position, new AtaDisk(image, readOnly, serial(position)));
        owned.add(image);
        return this;
    }

    /** Attaches a CD-ROM drive at {@code position}, with {@code iso} inserted or (null) empty. */
    public IdePlug cdrom(IdePosition position, BlockDevice iso) {
        AtapiCdrom drive = new AtapiCdrom(serial(position));
        place(position, drive);
        if (iso != null) {
            drive.insert(iso);
            media.put(position, iso);
        }
        return this;
    }

    private void place(IdePosition position, IdeDevice device) {
        if (controller != null) {
            throw new IllegalStateException("the IDE controller is already on a board");
        }
        if (devices.putIfAbsent(position, device) != null) {
            throw new IllegalStateException(position.definitionName() + " is taken");
        }
    }

    private static String serial(IdePosition position) {
        return "QM0000" + (position.ordinal() + 1);
    }

    @Override
    public void plugInto(BoardWiring wiring) {
        if (controller != null) {
            throw new IllegalStateException("this IDE controller is already on a board");
        }
        IdeChannel primary = new IdeChannel(wiring.isaIrq(PRIMARY_IRQ), wiring.memory());
        IdeChannel secondary = new IdeChannel(wiring.isaIrq(SECONDARY_IRQ), wiring.memory());
        devices.forEach((position, device) ->
                (position.channel() == 0 ? primary : secondary).attach(position.position(), device));
        controller = new Piix3Ide(primary, secondary);
        wiring.mapIo("ide0", PRIMARY_PORT, Ata.COMMAND_BLOCK_PORTS, primary.commandBlock(), AccessWidth.ANY);
        wiring.mapIo("ide0-control", PRIMARY_CONTROL_PORT, 1, primary.controlBlock(), AccessWidth.BYTE);
        wiring.mapIo("ide1", SECONDARY_PORT, Ata.COMMAND_BLOCK_PORTS, secondary.commandBlock(), AccessWidth.ANY);
        wiring.mapIo("ide1-control", SECONDARY_CONTROL_PORT, 1, secondary.controlBlock(), AccessWidth.BYTE);
        wiring.addPciFunction(PCI_DEVICE, PCI_FUNCTION, controller);
        wiring.onReset(() -> {
            primary.reset();
            secondary.reset();
        });
        wiring.onClose(this);
    }

    /** The controller, once plugged in. */
    public Piix3Ide controller() {
        if (controller == null) {
            throw new IllegalStateException("the IDE controller is not on a board yet");
        }
        return controller;
    }

    /** The CD-ROM drive at {@code position}. */
    public AtapiCdrom cdromAt(IdePosition position) {
        if (devices.get(position) instanceof AtapiCdrom cd) {
            return cd;
        }
        throw new IllegalArgumentException("no CD-ROM drive at " + position.definitionName());
    }

    /** Puts {@code iso} into the drive at {@code position} (VM thread), closing the medium it replaces. */
    public void insertMedium(IdePosition position, BlockDevice iso) throws IOException {
        Objects.requireNonNull(iso, "iso");
        AtapiCdrom drive = cdromAt(position);
        BlockDevice old = drive.insert(iso);
        media.put(position, iso);
        if (old != null) {
            old.close();
        }
    }

    /**
     * Ejects the medium at {@code position} (VM thread) and closes it.
     *
     * @throws IllegalStateException when the guest locked the door and {@code force} is false
     */
    public void ejectMedium(IdePosition position, boolean force) throws IOException {
        BlockDevice old = cdromAt(position).eject(force);
        media.remove(position);
        if (old != null) {
            old.close();
        }
    }

    /** Closes every image the plug holds (the board does this when it closes; a second call does nothing). */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        List<BlockDevice> all = new ArrayList<>(owned);
        all.addAll(media.values());
        owned.clear();
        media.clear();
        for (BlockDevice image : all) {
            try {
                image.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
