package org.quasivm.vmm.machine;

/** A legacy boot device class as the CMOS boot order (3Dh/38h) encodes it for SeaBIOS. */
public enum BootDeviceOrder {
    FLOPPY(1), DISK(2), CDROM(3);

    private final int cmosCode;

    BootDeviceOrder(int cmosCode) {
        this.cmosCode = cmosCode;
    }

    public int cmosCode() {
        return cmosCode;
    }
}
