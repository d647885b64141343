package org.quasivm.templates.assets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.quasivm.disk.Cancellation;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ProgressListener;
import org.quasivm.disk.convert.ConvertOptions;

/**
 * A bootable hard disk: an MBR (SYSLINUX's boot code and one active partition from 1 MiB to the end) and a FAT16
 * file system holding SYSLINUX, the kernel, the initramfs and {@code syslinux.cfg}.
 *
 * <p>Why FAT and not ext2 with extlinux: extlinux installs only onto a mounted file system, which needs root and a
 * loop device; a FAT partition is built in a plain file by {@code mkfs.fat} and {@code mcopy}, and SYSLINUX installs
 * itself into that file through mtools — the whole disk is made without privileges. The partition's hidden-sector
 * count is set to its start so SYSLINUX finds itself on the disk. The raw disk is then written as VMDK and VHD
 * through disk-formats.
 */
final class BootDisk {

    static final int DISK_MIB = 64;
    static final long PARTITION_START = 2048;
    private static final int HEADS = 16;
    private static final int SECTORS_PER_TRACK = 63;
    private static final int DISK_SIGNATURE = 0x314D5651; // "QVM1"

    private BootDisk() {
    }

    /** Builds the disk in {@code work} and writes it as {@code vmdk} and {@code vhd}. */
    static void build(Path kernel, Path initrd, String commandLine, Path work, Path vmdk, Path vhd)
            throws AssetException, IOException {
        HostFiles.requireTool("mkfs.fat", "dosfstools");
        HostFiles.requireTool("mcopy", "mtools");
        HostFiles.requireTool("syslinux", "syslinux");
        byte[] mbrCode = Files.readAllBytes(HostFiles.require(HostFiles.SYSLINUX_MBR, "syslinux-common"));
        long totalSectors = (long) DISK_MIB << 11;
        long partitionSectors = totalSectors - PARTITION_START;

        Path partition = work.resolve("partition.img");
        Files.deleteIfExists(partition);
        HostCommand.require(work, 120, List.of("mkfs.fat", "-C", "-F", "16", "-n", "QUASIVM", "-h",
                Long.toString(PARTITION_START), partition.toString(), Long.toString(partitionSectors / 2)));
        Path config = work.resolve("syslinux.cfg");
        Files.writeString(config, bootConfig(commandLine), StandardCharsets.US_ASCII);
        copyIn(work, partition, kernel, "vmlinuz");
        copyIn(work, partition, initrd, "initrd.gz");
        copyIn(work, partition, config, "syslinux.cfg");
        HostCommand.require(work, 120, List.of("syslinux", "--install", partition.toString()));

        Path raw = work.resolve("disk.raw");
        Files.deleteIfExists(raw);
        try (FileChannel out = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileChannel in = FileChannel.open(partition, StandardOpenOption.READ)) {
            out.write(ByteBuffer.wrap(masterBootRecord(mbrCode, partitionSectors)), 0);
            long at = PARTITION_START * 512;
            long size = in.size();
            for (long done = 0; done < size; ) {
                done += in.transferTo(done, size - done, out.position(at + done));
            }
            out.truncate(totalSectors * 512);
            if (out.size() < totalSectors * 512) {
                out.write(ByteBuffer.allocate(1), totalSectors * 512 - 1);
            }
        }
        replace(raw, vmdk, ConvertOptions.to(ImageFormat.VMDK, null));
        replace(raw, vhd, ConvertOptions.to(ImageFormat.VHD, "dynamic"));
        Files.delete(raw);
        Files.delete(partition);
        Files.delete(config);
    }

    static String bootConfig(String commandLine) {
        return "SERIAL 0 115200\nDEFAULT linux\nPROMPT 0\nTIMEOUT 1\nLABEL linux\n  LINUX /vmlinuz\n"
                + "  INITRD /initrd.gz\n  APPEND " + commandLine + "\n";
    }

    private static void copyIn(Path work, Path image, Path file, String name) throws AssetException {
        HostCommand.require(work, 120, List.of("mcopy", "-i", image.toString(), file.toString(), "::/" + name));
    }

    private static void replace(Path raw, Path target, ConvertOptions options) throws IOException {
        Files.deleteIfExists(target);
        DiskImages.convert(raw, ImageFormat.RAW, target, options, ProgressListener.NONE, Cancellation.NEVER);
    }

    /** Sector 0: SYSLINUX's MBR code, the disk signature and one active FAT16 partition. */
    static byte[] masterBootRecord(byte[] code, long partitionSectors) throws AssetException {
        if (code.length < 440) {
            throw new AssetException(HostFiles.SYSLINUX_MBR + " is shorter than an MBR's 440 bytes of code");
        }
        ByteBuffer mbr = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(0, code, 0, 440);
        mbr.putInt(440, DISK_SIGNATURE);
        int entry = 446;
        mbr.put(entry, (byte) 0x80);                        // active
        chs(mbr, entry + 1, PARTITION_START);
        mbr.put(entry + 4, (byte) 0x06);                    // FAT16 (more than 32 MiB)
        chs(mbr, entry + 5, PARTITION_START + partitionSectors - 1);
        mbr.putInt(entry + 8, (int) PARTITION_START);
        mbr.putInt(entry + 12, (int) partitionSectors);
        mbr.put(510, (byte) 0x55);
        mbr.put(511, (byte) 0xAA);
        return mbr.array();
    }

    /** A CHS address in the partition table's 3-byte form (1023/254/63 when it does not fit). */
    private static void chs(ByteBuffer mbr, int at, long lba) {
        long cylinder = lba / (HEADS * SECTORS_PER_TRACK);
        int head = (int) (lba / SECTORS_PER_TRACK % HEADS);
        int sector = (int) (lba % SECTORS_PER_TRACK) + 1;
        if (cylinder > 1023) {
            cylinder = 1023;
            head = 254;
            sector = 63;
        }
        mbr.put(at, (byte) head);
        mbr.put(at + 1, (byte) (sector | (cylinder >> 2) & 0xC0));
        mbr.put(at + 2, (byte) cylinder);
    }
}
