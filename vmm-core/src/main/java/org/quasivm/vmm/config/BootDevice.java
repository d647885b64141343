package org.quasivm.vmm.config;

/** A kind of device the firmware may boot from. */
public enum BootDevice implements JsonName {
    CDROM, DISK, FLOPPY
}
