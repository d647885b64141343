package org.quasivm.vmm.boot;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guest the asset builder caches: Debian's i686 kernel (the one linux-image-686 depends on) and the busybox
 * initramfs. Boot tests are skipped, saying why, when it has not been built on this machine.
 */
final class DebianGuest {

    static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache/quasivm");
    static final Path KERNEL = CACHE.resolve(
            "extracted/linux-image-6.1.0-50-686_6.1.176-1_i386/boot/vmlinuz-6.1.0-50-686");
    static final Path INITRD = CACHE.resolve("guests/linux-i386-busybox/initrd-busybox.gz");
    static final String PROMPT = "quasivm:/# ";

    private DebianGuest() {
    }

    static boolean available() {
        return Files.isRegularFile(KERNEL) && Files.isRegularFile(INITRD);
    }

    static String missing() {
        return "guest assets not built (run the guest-asset builder): " + KERNEL + ", " + INITRD;
    }
}
