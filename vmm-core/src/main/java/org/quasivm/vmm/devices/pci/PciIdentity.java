package org.quasivm.vmm.devices.pci;

/**
 * The read-only identity of a PCI function (configuration header bytes 00h-0Fh, 2Ch-2Fh, 3Dh).
 *
 * @param vendorId        00h
 * @param deviceId        02h
 * @param revision        08h
 * @param classCode       09h-0Bh as one 24-bit value: base class, sub-class, programming interface
 * @param subsystemVendor 2Ch (type 0 headers)
 * @param subsystemId     2Eh
 * @param interruptPin    3Dh: 0 none, 1..4 INTA#..INTD#
 */
public record PciIdentity(int vendorId, int deviceId, int revision, int classCode,
                          int subsystemVendor, int subsystemId, int interruptPin) {

    /** QEMU's subsystem IDs: SeaBIOS only trusts fw_cfg on a board whose host bridge carries them. */
    public static final int QEMU_SUBSYSTEM_VENDOR = 0x1AF4;
    public static final int QEMU_SUBSYSTEM = 0x1100;

    public PciIdentity {
        check("vendor", vendorId, 0xFFFF);
        check("device", deviceId, 0xFFFF);
        check("revision", revision, 0xFF);
        check("class code", classCode, 0xFF_FFFF);
        check("subsystem vendor", subsystemVendor, 0xFFFF);
        check("subsystem", subsystemId, 0xFFFF);
        if (interruptPin < 0 || interruptPin > 4) {
            throw new IllegalArgumentException("interrupt pin must be 0..4: " + interruptPin);
        }
        if (vendorId == 0xFFFF) {
            throw new IllegalArgumentException("vendor FFFF means 'no function here'");
        }
    }

    private static void check(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " out of range: " + Integer.toHexString(value));
        }
    }

    @Override
    public String toString() {
        return String.format("%04x:%04x", vendorId, deviceId);
    }
}
