package org.quasivm.disk.ova;

import java.util.List;

/**
 * What an OVF envelope describes (the first virtual system of the package).
 *
 * @param name          the virtual system's name
 * @param osType        the guest OS as the exporter named it (VirtualBox OSType, VMware osType, or the description)
 * @param cimOsId       the CIM operating system id of the OperatingSystemSection (1 = Other; 0 = none given)
 * @param memoryMiB     memory, in MiB
 * @param cpus          virtual CPUs
 * @param disks         disks in the order the virtual hardware lists them (the first is the boot disk)
 * @param warnings      what was not imported or looks wrong (network adapters, SCSI/SATA controllers, ...)
 */
public record OvfAppliance(String name, String osType, int cimOsId, long memoryMiB, int cpus, List<OvfDisk> disks,
                           List<String> warnings) {
    public OvfAppliance {
        disks = List.copyOf(disks);
        warnings = List.copyOf(warnings);
    }
}
