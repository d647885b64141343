package org.quasivm.templates.assets;

import java.nio.file.Files;
import java.nio.file.Path;

/** Boot loader files from the host's Debian packages, with the package to install when one is missing. */
final class HostFiles {

    static final Path SYSLINUX_MBR = Path.of("/usr/lib/syslinux/mbr/mbr.bin");
    static final Path ISOLINUX_BIN = Path.of("/usr/lib/ISOLINUX/isolinux.bin");
    static final Path LDLINUX_C32 = Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32");

    private HostFiles() {
    }

    static Path require(Path file, String debianPackage) throws AssetException {
        if (!Files.isRegularFile(file)) {
            throw new AssetException(file + " is missing; install Debian's " + debianPackage + " package");
        }
        return file;
    }

    /** Fails with the Debian package to install unless {@code tool} is on the PATH. */
    static void requireTool(String tool, String debianPackage) throws AssetException {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    return;
                }
            }
        }
        throw new AssetException(tool + " is not installed; install Debian's " + debianPackage + " package");
    }
}
