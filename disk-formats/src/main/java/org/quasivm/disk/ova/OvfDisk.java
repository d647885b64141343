package org.quasivm.disk.ova;

/**
 * A virtual disk of an appliance.
 *
 * @param diskId        the OVF disk id
 * @param fileName      the disk file inside the package, or null for a blank disk of {@code capacityBytes}
 * @param capacityBytes virtual size
 * @param formatUri     the OVF format URI (e.g. VMware's {@code ...vmdk.html#streamOptimized}), may be null
 * @param controller    the controller the OVF attaches it to: IDE, SCSI, SATA or unknown
 */
public record OvfDisk(String diskId, String fileName, long capacityBytes, String formatUri, String controller) {
}
