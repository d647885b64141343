package org.quasivm.templates.assets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bootable CD image: El Torito with ISOLINUX (no emulation), the kernel, the initramfs, and a block of
 * deterministic pseudo-random filler so the image is larger than the 50 MiB a guest reads back and checksums.
 * Made by {@code xorriso}.
 */
final class BootIso {

    static final int FILLER_MIB = 48;
    static final long FILLER_SEED = 0x51564D_15_0L;

    private BootIso() {
    }

    static void build(Path kernel, Path initrd, String commandLine, Path work, Path iso)
            throws AssetException, IOException {
        HostFiles.requireTool("xorriso", "xorriso");
        Path isolinux = HostFiles.require(HostFiles.ISOLINUX_BIN, "isolinux");
        Path ldlinux = HostFiles.require(HostFiles.LDLINUX_C32, "syslinux-common");
        Path stage = work.resolve("iso-root");
        DebianPackages.deleteTree(stage);
        Path boot = Files.createDirectories(stage.resolve("isolinux"));
        Files.copy(isolinux, boot.resolve("isolinux.bin"));
        Files.copy(ldlinux, boot.resolve("ldlinux.c32"));
        Files.writeString(boot.resolve("isolinux.cfg"), BootDisk.bootConfig(commandLine), StandardCharsets.US_ASCII);
        Files.copy(kernel, stage.resolve("vmlinuz"));
        Files.copy(initrd, stage.resolve("initrd.gz"));
        Path data = Files.createDirectories(stage.resolve("data"));
        try (OutputStream out = Files.newOutputStream(data.resolve("filler.bin"))) {
            SplittableRandom random = new SplittableRandom(FILLER_SEED);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < FILLER_MIB; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        Path temp = iso.resolveSibling("." + iso.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        HostCommand.require(work, 600, List.of("xorriso", "-as", "mkisofs", "-quiet", "-o", temp.toString(),
                "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                "-boot-info-table", "-R", "-J", "-V", "QUASIVM_BOOT", stage.toString()));
        Files.move(temp, iso, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        DebianPackages.deleteTree(stage);
    }
}
