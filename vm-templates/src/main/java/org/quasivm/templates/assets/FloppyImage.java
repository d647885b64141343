package org.quasivm.templates.assets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A 1.44 MB floppy with a FAT12 file system (mkfs.fat) and two known files (mcopy): {@value #TEXT_FILE}, a line
 * of text, and {@value #DATA_FILE}, {@value #DATA_BYTES} deterministic pseudo-random bytes that span many tracks, so
 * reading it back exercises the controller's multi-sector DMA transfers. It is bootable: SYSLINUX (installed through
 * mtools) prints its banner on the serial port and waits at its {@code boot:} prompt — a kernel would not fit.
 */
public final class FloppyImage {

    public static final String TEXT_FILE = "HELLO.TXT";
    public static final String TEXT = "QuasiVM floppy: the known file reads back.\n";
    public static final String DATA_FILE = "DATA.BIN";
    public static final int DATA_BYTES = 300 * 1024;
    private static final long DATA_SEED = 0xF10_99L;
    /** What the floppy's boot loader shows on COM1 once the BIOS has booted it. */
    public static final String BOOT_PROMPT = "boot: ";

    private FloppyImage() {
    }

    /** The bytes of {@value #DATA_FILE}. */
    public static byte[] data() {
        byte[] b = new byte[DATA_BYTES];
        new SplittableRandom(DATA_SEED).nextBytes(b);
        return b;
    }

    static void build(Path work, Path image) throws AssetException, IOException {
        HostFiles.requireTool("mkfs.fat", "dosfstools");
        HostFiles.requireTool("mcopy", "mtools");
        HostFiles.requireTool("syslinux", "syslinux");
        Path temp = image.resolveSibling("." + image.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        HostCommand.require(work, 60, List.of("mkfs.fat", "-C", "-n", "QUASIVM", temp.toString(), "1440"));
        Path text = work.resolve(TEXT_FILE);
        Path data = work.resolve(DATA_FILE);
        Path config = work.resolve("syslinux.cfg");
        Files.writeString(text, TEXT, StandardCharsets.US_ASCII);
        Files.write(data, data());
        Files.writeString(config, "SERIAL 0 115200\nPROMPT 1\nTIMEOUT 0\n", StandardCharsets.US_ASCII);
        HostCommand.require(work, 60, List.of("mcopy", "-i", temp.toString(), text.toString(), data.toString(),
                config.toString(), "::/"));
        HostCommand.require(work, 60, List.of("syslinux", "--install", temp.toString()));
        Files.delete(text);
        Files.delete(data);
        Files.delete(config);
        Files.move(temp, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
