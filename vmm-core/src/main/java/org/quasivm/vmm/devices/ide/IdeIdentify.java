package org.quasivm.vmm.devices.ide;

import java.nio.charset.StandardCharsets;

/**
 * The 256-word IDENTIFY DEVICE / IDENTIFY PACKET DEVICE data, written little-endian into a device buffer. ATA
 * strings are stored with the two characters of each word swapped, and word 255 carries the integrity checksum
 * (signature A5h, bytes summing to zero) that Linux verifies.
 */
final class IdeIdentify {

    static final int BYTES = 512;

    // word 49 capabilities
    static final int CAP_IORDY = 1 << 11;
    static final int CAP_LBA = 1 << 9;
    static final int CAP_DMA = 1 << 8;
    // word 53 validity
    static final int VALID_54_58 = 1;
    static final int VALID_64_70 = 1 << 1;
    static final int VALID_88 = 1 << 2;
    // words 82-87 command and feature sets
    static final int SET_NOP = 1 << 14;
    static final int SET_WRITE_CACHE = 1 << 5;
    static final int SET_LOOK_AHEAD = 1 << 6;
    static final int SET_PACKET = 1 << 4;
    static final int SET_FLUSH_CACHE_EXT = 1 << 13;
    static final int SET_FLUSH_CACHE = 1 << 12;
    static final int SET_LBA48 = 1 << 10;
    static final int WORD_VALID = 1 << 14;

    private final byte[] out;

    IdeIdentify(byte[] buffer) {
        this.out = buffer;
        java.util.Arrays.fill(out, 0, BYTES, (byte) 0);
    }

    IdeIdentify word(int index, int value) {
        out[2 * index] = (byte) value;
        out[2 * index + 1] = (byte) (value >>> 8);
        return this;
    }

    /** An ATA string of {@code words} words starting at {@code index}, space padded. */
    IdeIdentify string(int index, int words, String text) {
        byte[] chars = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 2 * words; i++) {
            byte c = i < chars.length ? chars[i] : (byte) ' ';
            out[2 * index + (i ^ 1)] = c;
        }
        return this;
    }

    IdeIdentify dword(int index, long value) {
        word(index, (int) value & 0xFFFF);
        return word(index + 1, (int) (value >>> 16) & 0xFFFF);
    }

    /** Word 255: signature A5h and the checksum byte. */
    void seal() {
        out[510] = (byte) 0xA5;
        int sum = 0;
        for (int i = 0; i < 511; i++) {
            sum += out[i];
        }
        out[511] = (byte) -sum;
    }
}
