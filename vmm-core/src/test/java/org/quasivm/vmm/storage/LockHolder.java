package org.quasivm.vmm.storage;

import java.nio.file.Path;

/**
 * A second process for {@link ImageLockTest}: claims an image as a VM would, prints {@code locked}, and holds the
 * claim until its standard input closes. Arguments: image, shared|exclusive, VM name.
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        ImageLock.Mode mode = ImageLock.Mode.valueOf(args[1].toUpperCase());
        try (ImageLock lock = ImageLock.acquire(Path.of(args[0]), mode, args[2])) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our input
            }
        }
    }
}
