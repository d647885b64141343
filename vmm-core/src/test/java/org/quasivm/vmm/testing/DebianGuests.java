package org.quasivm.vmm.testing;

import org.quasivm.templates.assets.AssetException;
import org.quasivm.templates.assets.CacheDirectory;
import org.quasivm.templates.assets.GuestAssetBuilder;
import org.quasivm.templates.assets.LinuxGuest;
import org.quasivm.templates.assets.StorageGuest;

/**
 * The guests every boot test and benchmark runs, from one place: the guest-asset builder's Debian i686 kernel with
 * the busybox initramfs, and the same guest on boot media. The builder downloads (Debian packages) and caches what
 * is missing; if it cannot, the test fails with the builder's reason: a boot test that silently skips proves nothing.
 */
public final class DebianGuests {

    /** The busybox shell's prompt in the guest's root directory. */
    public static final String PROMPT = "quasivm:/# ";

    private static LinuxGuest linux;
    private static StorageGuest storage;

    private DebianGuests() {
    }

    /** The kernel and initramfs for direct boot. */
    public static synchronized LinuxGuest linux() {
        if (linux == null) {
            try {
                linux = builder().linuxBusybox();
            } catch (AssetException e) {
                throw new AssertionError("the Debian busybox guest cannot be built: " + e.getMessage(), e);
            }
        }
        return linux;
    }

    /** The bootable disk (VMDK, VHD), CD image and floppy; the cache copies are shared: copy before writing. */
    public static synchronized StorageGuest storage() {
        if (storage == null) {
            try {
                storage = builder().storageGuest();
            } catch (AssetException e) {
                throw new AssertionError("the storage guest's boot media cannot be built: " + e.getMessage(), e);
            }
            linux = storage.linux();
        }
        return storage;
    }

    private static GuestAssetBuilder builder() {
        return new GuestAssetBuilder(CacheDirectory.resolve(), System.err::println);
    }
}
