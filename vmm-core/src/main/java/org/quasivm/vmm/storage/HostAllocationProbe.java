package org.quasivm.vmm.storage;

import java.nio.file.Path;

import com.sun.jna.Platform;
import org.quasivm.disk.AllocationProbe;
import org.quasivm.disk.DiskImages;
import org.quasivm.nativehelper.libc.ErrnoException;
import org.quasivm.nativehelper.libc.FileHoles;

/**
 * disk-formats' {@link AllocationProbe} on this host: lseek(SEEK_DATA/SEEK_HOLE) through native-helper, so raw
 * images report their holes and conversions skip them without reading, as qemu-img does. Linux on 64-bit hosts only
 * (elsewhere, or if the C library cannot be bound, nothing is installed and raw files count as all data).
 */
public final class HostAllocationProbe implements AllocationProbe {

    private static volatile boolean installed;

    private HostAllocationProbe() {
    }

    /** Installs the probe process-wide when this host supports it; returns whether it is installed. */
    public static boolean installIfSupported() {
        if (installed) {
            return true;
        }
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            return false;
        }
        try {
            Class.forName("org.quasivm.nativehelper.libc.LibC"); // binds libc now, not at the first query
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        DiskImages.installAllocationProbe(new HostAllocationProbe());
        installed = true;
        return true;
    }

    @Override
    public FileAllocation open(Path file) {
        FileHoles holes;
        try {
            holes = FileHoles.open(file);
        } catch (ErrnoException e) {
            return null; // cannot query this file: the image counts it as all data
        }
        return new FileAllocation() {
            // A file the kernel cannot answer for (a device, an odd filesystem, an I/O error) counts as all data:
            // always safe; a real read error then surfaces when the data is read.
            @Override
            public long nextData(long offset) {
                try {
                    return holes.nextData(offset);
                } catch (ErrnoException e) {
                    return offset;
                }
            }

            @Override
            public long nextHole(long offset) {
                try {
                    return holes.nextHole(offset);
                } catch (ErrnoException e) {
                    return Long.MAX_VALUE;
                }
            }

            @Override
            public void close() {
                holes.close();
            }
        };
    }
}
