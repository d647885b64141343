package org.quasivm.templates.assets;

import java.nio.file.Path;

/**
 * The storage test guest: the busybox guest on boot media SeaBIOS starts — a hard disk (MBR, FAT16, SYSLINUX) as
 * VMDK and VHD, an ISOLINUX CD image larger than 50 MiB — and a bootable 1.44 MB floppy with known files
 * ({@link FloppyImage}). Shared cache copies: a test that writes to a disk works on its own copy.
 *
 * @param linux       the kernel and initramfs on the media
 * @param diskVmdk    the bootable disk as a monolithic sparse VMDK
 * @param diskVhd     the same disk as a dynamic VHD
 * @param iso         the bootable CD image
 * @param floppy      the floppy image
 * @param commandLine the kernel command line the boot loaders pass
 */
public record StorageGuest(LinuxGuest linux, Path diskVmdk, Path diskVhd, Path iso, Path floppy,
                           String commandLine) {
}
