package org.quasivm.templates.assets;

import java.nio.file.Path;

/**
 * A Linux guest for direct boot: Debian's kernel and an initramfs built from Debian's busybox.
 *
 * @param kernel        the bzImage
 * @param initrd        the gzip-compressed initramfs
 * @param kernelRelease {@code uname -r} of the kernel, e.g. {@code 6.1.0-50-686}
 * @param readyLine     the line the guest's init prints when userspace is up (what boot tests and benchmarks wait for)
 * @param prompt        the shell prompt's start, e.g. {@code quasivm:/# }
 */
public record LinuxGuest(Path kernel, Path initrd, String kernelRelease, String readyLine, String prompt) {
}
