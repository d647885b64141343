package org.quasivm.vmm.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.quasivm.disk.BlockDevice;

/**
 * Reads a file from the root directory of a FAT16 partition through a {@link BlockDevice}: how a test checks from
 * the host what a guest wrote, going through disk-formats' reading of the image and nothing else.
 */
final class Fat16File {

    private Fat16File() {
    }

    /**
     * @param partition byte offset of the partition
     * @param name      8.3 name, e.g. {@code BIG.BIN}
     * @return the file's bytes, or null if the root directory has no such file
     */
    static byte[] read(BlockDevice disk, long partition, String name) throws IOException {
        ByteBuffer boot = sector(disk, partition, 512);
        int bytesPerSector = boot.getShort(11) & 0xFFFF;
        int sectorsPerCluster = boot.get(13) & 0xFF;
        int reserved = boot.getShort(14) & 0xFFFF;
        int fats = boot.get(16) & 0xFF;
        int rootEntries = boot.getShort(17) & 0xFFFF;
        int sectorsPerFat = boot.getShort(22) & 0xFFFF;
        long fat = partition + (long) reserved * bytesPerSector;
        long root = fat + (long) fats * sectorsPerFat * bytesPerSector;
        long data = root + rootEntries * 32L;
        int clusterBytes = sectorsPerCluster * bytesPerSector;

        String wanted = shortName(name);
        ByteBuffer dir = sector(disk, root, rootEntries * 32);
        for (int i = 0; i < rootEntries; i++) {
            int at = i * 32;
            if (dir.get(at) == 0) {
                break;
            }
            byte[] raw = new byte[11];
            dir.get(at, raw);
            if ((dir.get(at + 11) & 0x0F) == 0x0F || dir.get(at) == (byte) 0xE5
                    || !new String(raw, StandardCharsets.US_ASCII).equals(wanted)) {
                continue;
            }
            int cluster = dir.getShort(at + 26) & 0xFFFF;
            int size = dir.getInt(at + 28);
            byte[] out = new byte[size];
            int done = 0;
            while (done < size && cluster >= 2 && cluster < 0xFFF8) {
                int n = Math.min(clusterBytes, size - done);
                disk.read(data + (long) (cluster - 2) * clusterBytes, out, done, n);
                done += n;
                cluster = sector(disk, fat + 2L * cluster, 2).getShort(0) & 0xFFFF;
            }
            if (done != size) {
                throw new IOException(name + ": cluster chain ends after " + done + " of " + size + " bytes");
            }
            return out;
        }
        return null;
    }

    private static String shortName(String name) {
        int dot = name.indexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return String.format("%-8s%-3s", base, ext).toUpperCase();
    }

    private static ByteBuffer sector(BlockDevice disk, long offset, int length) throws IOException {
        byte[] b = new byte[length];
        disk.read(offset, b, 0, length);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
