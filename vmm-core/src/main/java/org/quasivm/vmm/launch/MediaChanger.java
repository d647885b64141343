package org.quasivm.vmm.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.quasivm.disk.ImageFormat;
import org.quasivm.vmm.devices.ide.IdePlug;
import org.quasivm.vmm.devices.ide.IdePosition;
import org.quasivm.vmm.machine.Machine;
import org.quasivm.vmm.storage.LockedImage;

/**
 * Inserts and ejects CD-ROM media of a running VM, for the CLI and the console: the ISO is claimed (shared) and
 * opened on the caller's thread, so a bad file fails before the guest sees anything; the swap itself happens on the
 * VM thread between run slices ({@link Machine#inspect}), where the drive raises UNIT ATTENTION and a media event.
 */
public final class MediaChanger {

    private final Machine machine;
    private final IdePlug ide;
    private final String vmName;

    public MediaChanger(Machine machine, IdePlug ide, String vmName) {
        this.machine = machine;
        this.ide = ide;
        this.vmName = vmName;
    }

    /** Puts {@code iso} into the drive at {@code position}; completes once the guest can see it. */
    public CompletableFuture<Void> insert(IdePosition position, Path iso) throws IOException {
        ide.cdromAt(position);   // fail now, on this thread, if there is no drive there
        LockedImage image = LockedImage.open(iso, ImageFormat.RAW, false, vmName);
        return machine.inspect(board -> {
            try {
                ide.insertMedium(position, image);
                return (Void) null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).whenComplete((done, failure) -> {
            if (failure != null) {
                try {
                    image.close();
                } catch (IOException e) {
                    failure.addSuppressed(e);
                }
            }
        });
    }

    /**
     * Ejects the medium at {@code position}. Fails with {@link IllegalStateException} when the guest has locked the
     * door, unless {@code force}.
     */
    public CompletableFuture<Void> eject(IdePosition position, boolean force) {
        return machine.inspect(board -> {
            try {
                ide.ejectMedium(position, force);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
