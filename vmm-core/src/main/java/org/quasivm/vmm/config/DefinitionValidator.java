package org.quasivm.vmm.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks what a definition means: names, ranges, and files that must exist. Relative paths resolve against the VM's
 * directory. Every problem is collected, so a user fixes them in one pass.
 */
public final class DefinitionValidator {

    /** Safe as a directory and file name on every host; the CLI and the console use the same rule. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** The 32-bit PC board maps RAM below the PCI hole at 3.5 GiB. */
    public static final int MAX_MEMORY_MIB = 3584;
    public static final long ROM_UNIT = 64 * 1024;
    public static final long MAX_ROM = 256 * 1024;
    private static final long FOUR_GIB = 1L << 32;
    private static final int MAX_CMDLINE = 4095;
    private static final Set<Integer> VGA_SIZES = Set.of(1, 2, 4, 8, 16, 32, 64, 128, 256);
    private static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private DefinitionValidator() {
    }

    /** The problems with {@code def}, in document order; empty when it is valid. */
    public static List<DefinitionProblem> validate(VmDefinition def, Path vmDir) {
        List<DefinitionProblem> p = new ArrayList<>();
        new Checks(p, vmDir).all(def);
        return p;
    }

    public static void requireValid(VmDefinition def, Path vmDir, String source) throws InvalidDefinitionException {
        List<DefinitionProblem> problems = validate(def, vmDir);
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException(source, problems);
        }
    }

    /** A path from a definition, resolved the way every consumer must resolve it. */
    public static Path resolve(Path vmDir, String path) {
        return vmDir.resolve(path).normalize();
    }

    private record Checks(List<DefinitionProblem> problems, Path vmDir) {

        void all(VmDefinition d) {
            if (required("schemaVersion", d.schemaVersion()) && d.schemaVersion() != VmDefinition.SCHEMA_VERSION) {
                add("schemaVersion", "unsupported version " + d.schemaVersion());
            }
            if (required("name", d.name()) && !NAME.matcher(d.name()).matches()) {
                add("name", "'" + d.name() + "' is not a valid VM name (letters, digits, '.', '_', '-'; "
                        + "starting with a letter or digit; at most 64)");
            }
            if (required("uuid", d.uuid())) {
                try {
                    UUID.fromString(d.uuid());
                    if (d.uuid().length() != 36) {
                        throw new IllegalArgumentException();
                    }
                } catch (IllegalArgumentException e) {
                    add("uuid", "'" + d.uuid() + "' is not a UUID");
                }
            }
            required("guestOs", d.guestOs());
            if (required("memoryMiB", d.memoryMiB()) && (d.memoryMiB() < 1 || d.memoryMiB() > MAX_MEMORY_MIB)) {
                add("memoryMiB", d.memoryMiB() + " is out of range (1 to " + MAX_MEMORY_MIB + ")");
            }
            if (required("cpu", d.cpu())) {
                required("cpu.executor", d.cpu().executor());
            }
            if (required("firmware", d.firmware())) {
                firmware(d.firmware());
            }
            if (required("bootOrder", d.bootOrder())) {
                bootOrder(d.bootOrder());
            }
            if (required("storage", d.storage())) {
                storage(d.storage());
            }
            if (required("display", d.display()) && required("display.vgaMemoryMiB", d.display().vgaMemoryMiB())
                    && !VGA_SIZES.contains(d.display().vgaMemoryMiB())) {
                add("display.vgaMemoryMiB", d.display().vgaMemoryMiB()
                        + " is not a supported VGA memory size (1, 2, 4, ... 256 MiB)");
            }
            if (required("serial", d.serial())) {
                serial(d.serial());
            }
            if (required("debug", d.debug())) {
                required("debug.firmwareLog", d.debug().firmwareLog());
                required("debug.postCodes", d.debug().postCodes());
            }
            required("clock", d.clock());
            if (d.currentSnapshot() != null && !SNAPSHOT_ID.matcher(d.currentSnapshot()).matches()) {
                add("currentSnapshot", "'" + d.currentSnapshot() + "' is not a snapshot id");
            }
        }

        private void firmware(Firmware f) {
            if (f instanceof Firmware.Seabios s) {
                optionalFile("firmware.bios", s.bios());
                optionalFile("firmware.vgaBios", s.vgaBios());
            } else if (f instanceof Firmware.Linux l) {
                if (required("firmware.kernel", l.kernel())) {
                    existingFile("firmware.kernel", l.kernel());
                }
                optionalFile("firmware.initrd", l.initrd());
                if (l.cmdline() != null && l.cmdline().length() > MAX_CMDLINE) {
                    add("firmware.cmdline", "longer than " + MAX_CMDLINE + " characters");
                }
            } else if (f instanceof Firmware.Custom c) {
                customRom(c);
            }
        }

        private void customRom(Firmware.Custom c) {
            if (!required("firmware.rom", c.rom()) || !existingFile("firmware.rom", c.rom())) {
                return;
            }
            long size;
            try {
                size = Files.size(resolve(vmDir, c.rom()));
            } catch (IOException e) {
                add("firmware.rom", "cannot read " + c.rom() + ": " + e.getMessage());
                return;
            }
            if (size == 0 || size % ROM_UNIT != 0 || size > MAX_ROM) {
                add("firmware.rom", c.rom() + " is " + size + " bytes; a ROM must be 64, 128, 192 or 256 KiB");
                return;
            }
            long high = FOUR_GIB - size;
            long low = (1L << 20) - Math.min(size, 128 * 1024);
            if (c.loadAddress() != null && c.loadAddress() != high && !(size <= 128 * 1024 && c.loadAddress() == low)) {
                add("firmware.loadAddress", String.format("0x%x does not match the ROM's mapping: a %d KiB ROM "
                        + "loads at 0x%x (ending at 4 GiB)", c.loadAddress(), size / 1024, high));
            }
        }

        private void bootOrder(List<BootDevice> order) {
            if (order.isEmpty()) {
                add("bootOrder", "must name at least one device (cdrom, disk, floppy)");
            }
            Set<BootDevice> seen = EnumSet.noneOf(BootDevice.class);
            for (int i = 0; i < order.size(); i++) {
                BootDevice b = order.get(i);
                if (b == null) {
                    add("bootOrder[" + i + "]", "required value is missing");
                } else if (!seen.add(b)) {
                    add("bootOrder[" + i + "]", "'" + b.json() + "' appears twice");
                }
            }
        }

        private void storage(StorageConfig s) {
            if (required("storage.ide", s.ide())) {
                ide("storage.ide.primaryMaster", s.ide().primaryMaster());
                ide("storage.ide.primarySlave", s.ide().primarySlave());
                ide("storage.ide.secondaryMaster", s.ide().secondaryMaster());
                ide("storage.ide.secondarySlave", s.ide().secondarySlave());
            }
            if (required("storage.floppy", s.floppy())) {
                floppy("storage.floppy.a", s.floppy().a());
                floppy("storage.floppy.b", s.floppy().b());
            }
        }

        private void ide(String path, IdeSlot slot) {
            if (!required(path, slot)) {
                return;
            }
            if (slot instanceof IdeSlot.Disk disk) {
                if (required(path + ".image", disk.image())) {
                    existingFile(path + ".image", disk.image());
                }
                required(path + ".format", disk.format());
            } else if (slot instanceof IdeSlot.Cdrom cd) {
                optionalFile(path + ".iso", cd.iso());
            }
        }

        private void floppy(String path, FloppyDrive drive) {
            if (required(path, drive) && drive instanceof FloppyDrive.Image img && required(path + ".image", img.image())) {
                existingFile(path + ".image", img.image());
            }
        }

        private void serial(VmDefinition.SerialConfig s) {
            int stdio = 0;
            for (String port : new String[] {"com1", "com2"}) {
                SerialPort sp = port.equals("com1") ? s.com1() : s.com2();
                String path = "serial." + port;
                if (!required(path, sp)) {
                    continue;
                }
                if (sp instanceof SerialPort.Stdio && ++stdio > 1) {
                    add(path, "only one serial port can use stdio");
                } else if (sp instanceof SerialPort.File f) {
                    nonBlank(path + ".path", f.path());
                } else if (sp instanceof SerialPort.Socket sock) {
                    nonBlank(path + ".path", sock.path());
                }
            }
        }

        private void nonBlank(String path, String value) {
            if (required(path, value) && value.isBlank()) {
                add(path, "must not be empty");
            }
        }

        private void optionalFile(String path, String file) {
            if (file != null) {
                existingFile(path, file);
            }
        }

        private boolean existingFile(String path, String file) {
            if (file.isBlank()) {
                add(path, "must not be empty");
                return false;
            }
            Path p;
            try {
                p = resolve(vmDir, file);
            } catch (java.nio.file.InvalidPathException e) {
                add(path, "not a valid path: " + file);
                return false;
            }
            if (!Files.exists(p)) {
                add(path, "file not found: " + file);
                return false;
            }
            if (!Files.isRegularFile(p)) {
                add(path, "not a regular file: " + file);
                return false;
            }
            return true;
        }

        private boolean required(String path, Object value) {
            if (value == null) {
                add(path, "required field is missing");
                return false;
            }
            return true;
        }

        private void add(String path, String message) {
            problems.add(new DefinitionProblem(path, message));
        }
    }
}
