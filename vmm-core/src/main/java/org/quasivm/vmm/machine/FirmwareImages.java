package org.quasivm.vmm.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds and reads firmware files: SeaBIOS and its VGA BIOS from Debian's {@code seabios} package (or a path the
 * definition gives), custom ROMs, and Linux kernels. Errors name the file and what is wrong with it.
 */
public final class FirmwareImages {

    /** Where Debian's seabios and qemu packages put the images, most capable first. */
    public static final List<Path> SEABIOS_LOCATIONS = List.of(
            Path.of("/usr/share/seabios/bios-256k.bin"),
            Path.of("/usr/share/qemu/bios-256k.bin"),
            Path.of("/usr/share/seabios/bios.bin"),
            Path.of("/usr/share/qemu/bios.bin"));
    public static final List<Path> VGA_BIOS_LOCATIONS = List.of(
            Path.of("/usr/share/seabios/vgabios-stdvga.bin"),
            Path.of("/usr/share/qemu/vgabios-stdvga.bin"));

    public static final int MAX_CUSTOM_ROM = 256 * 1024;
    public static final int MAX_SEABIOS = 256 * 1024;
    /** Larger than any bzImage we expect; refuses to read arbitrary huge files into memory. */
    public static final long MAX_KERNEL = 128L << 20;
    public static final long MAX_INITRD = 1L << 30;

    private FirmwareImages() {
    }

    /** The first SeaBIOS image present in the standard locations. */
    public static Optional<Path> findSeaBios() {
        return SEABIOS_LOCATIONS.stream().filter(Files::isRegularFile).findFirst();
    }

    public static Optional<Path> findVgaBios() {
        return VGA_BIOS_LOCATIONS.stream().filter(Files::isRegularFile).findFirst();
    }

    /** SeaBIOS: 128 or 256 KiB, mapped to end at 4 GiB. */
    public static BootFirmware.Rom seaBios(Path file) throws IOException {
        byte[] image = read(file, MAX_SEABIOS);
        if (image.length != 128 * 1024 && image.length != 256 * 1024) {
            throw new IOException(file + ": SeaBIOS image must be 128 or 256 KiB, not " + image.length + " bytes");
        }
        return new BootFirmware.Rom(file.toString(), image);
    }

    /**
     * A custom ROM: n × 64 KiB up to 256 KiB. {@code loadAddress}, if given, must be where the ROM lands
     * (4 GiB minus its size) or where its tail appears below 1 MiB (1 MiB minus min(size, 128 KiB)).
     */
    public static BootFirmware.Rom customRom(Path file, Long loadAddress) throws IOException {
        byte[] image = read(file, MAX_CUSTOM_ROM);
        if (image.length == 0 || image.length % 0x1_0000 != 0) {
            throw new IOException(file + ": custom ROM size " + image.length + " is not a multiple of 64 KiB");
        }
        if (loadAddress != null) {
            long high = (1L << 32) - image.length;
            long low = 0x10_0000L - Math.min(image.length, 0x2_0000);
            if (loadAddress != high && loadAddress != low) {
                throw new IOException(String.format("%s: loadAddress %#x does not match where a %d KiB ROM is"
                        + " mapped (%#x, or %#x below 1 MiB)", file, loadAddress, image.length >> 10, high, low));
            }
        }
        return new BootFirmware.Rom(file.toString(), image);
    }

    public static BootFirmware.Linux linux(Path kernel, Path initrd, String commandLine) throws IOException {
        BzImage image;
        try {
            image = BzImage.parse(kernel.toString(), read(kernel, MAX_KERNEL));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        byte[] rd = initrd == null ? null : read(initrd, MAX_INITRD);
        return new BootFirmware.Linux(image, rd, commandLine == null ? "" : commandLine);
    }

    /** Reads at most {@code max} bytes, refusing larger files. */
    public static byte[] read(Path file, long max) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (size > max) {
            throw new IOException(file + ": " + size + " bytes is larger than the " + max + " allowed");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
