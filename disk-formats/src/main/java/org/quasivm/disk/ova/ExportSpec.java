package org.quasivm.disk.ova;

import java.nio.file.Path;
import java.util.List;
import org.quasivm.disk.ImageFormat;

/**
 * A virtual machine to export as an OVA.
 *
 * @param vmName    the virtual system name (also names the files in the package)
 * @param memoryMiB memory in MiB
 * @param cpus      virtual CPUs
 * @param osType    guest OS type name (VirtualBox-style ids such as {@code Debian_64}, {@code Ubuntu}, {@code Other})
 * @param disks     the disks, boot disk first (at most four: two IDE channels, master and slave)
 */
public record ExportSpec(String vmName, long memoryMiB, int cpus, String osType, List<Disk> disks) {

    /** A disk to export; {@code format} null means probe it. */
    public record Disk(Path path, ImageFormat format) {
    }

    public ExportSpec {
        disks = List.copyOf(disks);
    }
}
