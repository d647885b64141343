package org.quasivm.vmm.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.config.BootDevice;
import org.quasivm.vmm.config.DefinitionValidator;
import org.quasivm.vmm.config.Firmware;
import org.quasivm.vmm.config.SerialPort;
import org.quasivm.vmm.config.VmDefinition;
import org.quasivm.vmm.devices.uart.FileSerialBackend;
import org.quasivm.vmm.devices.uart.NullSerialBackend;
import org.quasivm.vmm.devices.uart.SerialBackend;
import org.quasivm.vmm.devices.uart.StdioSerialBackend;
import org.quasivm.vmm.devices.uart.UnixSocketSerialBackend;
import org.quasivm.vmm.devices.vga.VgaPlug;
import org.quasivm.vmm.machine.BoardConfig;
import org.quasivm.vmm.machine.BootDeviceOrder;
import org.quasivm.vmm.machine.BootFirmware;
import org.quasivm.vmm.machine.FirmwareImages;

/**
 * Turns a VM definition into the board that runs it: RAM, firmware, clock, serial ports, boot order, CMOS file, the
 * VGA, the storage controllers with their images (claimed for this VM), and the VM log for firmware output and POST
 * codes. Files the definition names are read here, so every
 * problem with them surfaces before the machine exists.
 */
public final class DefinitionBoard {

    /**
     * The board configuration and the parts of it the caller drives directly. Closing it closes the storage
     * images if the board never took them over (a machine that was never built); afterwards it does nothing.
     */
    public record Assembly(BoardConfig config, VgaPlug vga, DefinitionStorage.Plugs storage)
            implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            storage.close();
        }
    }

    /** What a run may change without editing the definition. Null fields keep the definition's value. */
    public record Overrides(SerialPort com1, ClockMode clock, UnaryOperator<SerialBackend> com1Wrapper) {
        public static Overrides none() {
            return new Overrides(null, null, UnaryOperator.identity());
        }
    }

    public static final String CMOS_FILE = "nvram.cmos";

    private DefinitionBoard() {
    }

    public static ClockMode clockOf(VmDefinition def, Overrides o) {
        if (o.clock() != null) {
            return o.clock();
        }
        return def.clock() == org.quasivm.vmm.config.ClockMode.DETERMINISTIC ? ClockMode.DETERMINISTIC
                : ClockMode.REALTIME;
    }

    public static Assembly assemble(VmDefinition def, Path vmDir, Overrides o, VmLog log) throws LaunchException {
        BootFirmware firmware = firmware(def.firmware(), vmDir);
        byte[] vgaBios = vgaBios(def.firmware(), vmDir);
        VgaPlug vga = new VgaPlug(def.display().vgaMemoryMiB(), vgaBios);
        List<BootDeviceOrder> order = new ArrayList<>();
        for (BootDevice b : def.bootOrder()) {
            order.add(switch (b) {
                case CDROM -> BootDeviceOrder.CDROM;
                case DISK -> BootDeviceOrder.DISK;
                case FLOPPY -> BootDeviceOrder.FLOPPY;
            });
        }
        SerialBackend com1 = o.com1Wrapper().apply(serial("serial.com1", o.com1() != null ? o.com1()
                : def.serial().com1(), vmDir));
        SerialBackend com2 = serial("serial.com2", def.serial().com2(), vmDir);
        // last: from here on a failure must close the images again
        DefinitionStorage.Plugs storage;
        try {
            storage = DefinitionStorage.open(def, vmDir, log);
        } catch (LaunchException | RuntimeException e) {
            com1.close();
            com2.close();
            throw e;
        }
        BoardConfig.Builder b = BoardConfig.builder((long) def.memoryMiB() << 20, firmware)
                .clock(clockOf(def, o))
                .cmosFile(vmDir.resolve(CMOS_FILE))
                .com1(com1)
                .com2(com2)
                .bootOrder(order)
                .uuid(uuidBytes(def.uuid()))
                .plug(vga)
                .plug(storage.dma())
                .plug(storage.floppy())
                .plug(storage.ide());
        if (def.debug().firmwareLog()) {
            b.firmwareLog(line -> log.line("firmware: " + line));
        }
        if (def.debug().postCodes()) {
            // Linux writes port 80h as an I/O delay thousands of times: log a code only when it changes.
            int[] last = {-1};
            b.postCodes(code -> {
                if (code != last[0]) {
                    last[0] = code;
                    log.line(String.format("POST %02X", code));
                }
            });
        }
        try {
            return new Assembly(b.build(), vga, storage);
        } catch (RuntimeException e) {
            try {
                storage.close();
            } catch (java.io.IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static BootFirmware firmware(Firmware f, Path vmDir) throws LaunchException {
        try {
            if (f instanceof Firmware.Linux l) {
                return FirmwareImages.linux(file(vmDir, l.kernel()), l.initrd() == null ? null : file(vmDir, l.initrd()),
                        l.cmdline() == null ? "" : l.cmdline());
            } else if (f instanceof Firmware.Custom c) {
                return FirmwareImages.customRom(file(vmDir, c.rom()), c.loadAddress());
            }
            Firmware.Seabios s = (Firmware.Seabios) f;
            Path bios = s.bios() != null ? file(vmDir, s.bios()) : FirmwareImages.findSeaBios().orElseThrow(() ->
                    new LaunchException(LaunchException.Kind.IO, "SeaBIOS not found in "
                            + FirmwareImages.SEABIOS_LOCATIONS + "; install Debian's seabios package or set "
                            + "firmware.bios"));
            return FirmwareImages.seaBios(bios);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchException.Kind.INVALID, e.getMessage(), e);
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Kind.IO, "cannot read firmware: " + e.getMessage(), e);
        }
    }

    /** The VGA BIOS for the adapter's ROM BAR: SeaBIOS needs it to drive the display; direct boot does not. */
    private static byte[] vgaBios(Firmware f, Path vmDir) throws LaunchException {
        Path file = f instanceof Firmware.Seabios s && s.vgaBios() != null ? file(vmDir, s.vgaBios())
                : FirmwareImages.findVgaBios().orElse(null);
        if (file == null) {
            return null;
        }
        try {
            return FirmwareImages.read(file, 256 * 1024);
        } catch (IOException | IllegalArgumentException e) {
            throw new LaunchException(LaunchException.Kind.IO, "cannot read the VGA BIOS " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static SerialBackend serial(String field, SerialPort port, Path vmDir) throws LaunchException {
        try {
            if (port instanceof SerialPort.File f) {
                Path p = file(vmDir, f.path());
                Files.createDirectories(p.toAbsolutePath().getParent());
                return new FileSerialBackend(p);
            } else if (port instanceof SerialPort.Socket s) {
                return new UnixSocketSerialBackend(file(vmDir, s.path()));
            } else if (port instanceof SerialPort.Stdio) {
                return new StdioSerialBackend(System.in, System.out);
            }
            return new NullSerialBackend();
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Kind.IO, field + ": " + e.getMessage(), e);
        }
    }

    private static Path file(Path vmDir, String path) {
        return DefinitionValidator.resolve(vmDir, path);
    }

    static byte[] uuidBytes(String uuid) {
        UUID u = UUID.fromString(uuid);
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .array();
    }
}
