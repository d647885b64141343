package org.quasivm.vmm.config;

/** Disk image formats a definition may name. */
public enum ImageFormat implements JsonName {
    RAW, VMDK, VHD, VDI, QCOW2
}
