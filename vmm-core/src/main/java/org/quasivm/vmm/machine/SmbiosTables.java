package org.quasivm.vmm.machine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Minimal SMBIOS 2.8 tables for boots without a BIOS (which would otherwise build them): BIOS information
 * (type 0), system information with the VM's UUID (type 1) and the end marker (type 127), plus the 2.x entry point
 * the kernel finds by scanning F0000h-FFFFFh for "_SM_" (DMTF DSP0134).
 */
final class SmbiosTables {

    static final int ENTRY_POINT_LENGTH = 0x1F;

    private SmbiosTables() {
    }

    /**
     * Writes the entry point at {@code entryOffset} and the structures at {@code tableOffset} into {@code rom},
     * whose byte 0 is guest-physical {@code romBase} (the entry point must land on a 16-byte boundary in the F
     * segment).
     */
    static void install(byte[] rom, long romBase, int entryOffset, int tableOffset, byte[] uuid) {
        byte[] table = structures(uuid);
        System.arraycopy(table, 0, rom, tableOffset, table.length);
        ByteBuffer e = ByteBuffer.wrap(rom, entryOffset, ENTRY_POINT_LENGTH).slice().order(ByteOrder.LITTLE_ENDIAN);
        e.put("_SM_".getBytes(StandardCharsets.US_ASCII));
        e.put((byte) 0);                          // checksum, below
        e.put((byte) ENTRY_POINT_LENGTH);
        e.put((byte) 2).put((byte) 8);            // version 2.8
        e.putShort((short) maxStructure(table));
        e.put((byte) 0);                          // entry point revision
        e.put(new byte[5]);                       // formatted area
        e.put("_DMI_".getBytes(StandardCharsets.US_ASCII));
        e.put((byte) 0);                          // intermediate checksum, below
        e.putShort((short) table.length);
        e.putInt((int) (romBase + tableOffset));
        e.putShort((short) 3);                    // structures
        e.put((byte) 0x28);                       // BCD revision 2.8
        rom[entryOffset + 0x15] = checksum(rom, entryOffset + 0x10, 0x0F);
        rom[entryOffset + 4] = checksum(rom, entryOffset, ENTRY_POINT_LENGTH);
    }

    private static byte checksum(byte[] b, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += b[i];
        }
        return (byte) -sum;
    }

    static byte[] structures(byte[] uuid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer bios = ByteBuffer.allocate(0x18).order(ByteOrder.LITTLE_ENDIAN);
        bios.put((byte) 0).put((byte) 0x18).putShort((short) 0);
        bios.put((byte) 1).put((byte) 2).putShort((short) 0xE800).put((byte) 3).put((byte) 0);
        bios.putLong(1L << 3);                    // "BIOS characteristics are not supported"
        bios.put((byte) 0).put((byte) 0x08);      // ext. byte 2: the table describes a virtual machine
        bios.put((byte) 0).put((byte) 0).put((byte) 0xFF).put((byte) 0xFF);
        out.writeBytes(bios.array());
        strings(out, "QuasiVM", "direct Linux boot", "01/01/2024");

        ByteBuffer system = ByteBuffer.allocate(0x1B).order(ByteOrder.LITTLE_ENDIAN);
        system.put((byte) 1).put((byte) 0x1B).putShort((short) 1);
        system.put((byte) 1).put((byte) 2).put((byte) 3).put((byte) 0);
        system.put(uuid == null ? new byte[16] : uuid);
        system.put((byte) 0x06).put((byte) 0).put((byte) 0);
        out.writeBytes(system.array());
        strings(out, "QuasiVM", "QuasiVM PC (i440FX + PIIX3)", "1");

        out.writeBytes(new byte[] {127, 4, 2, 0, 0, 0});
        return out.toByteArray();
    }

    private static void strings(ByteArrayOutputStream out, String... strings) {
        for (String s : strings) {
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        }
        out.write(0);
    }

    private static int maxStructure(byte[] table) {
        int max = 0;
        int at = 0;
        while (at < table.length) {
            int start = at;
            at += table[at + 1] & 0xFF;
            while (table[at] != 0 || table[at + 1] != 0) {
                at++;
            }
            at += 2;
            max = Math.max(max, at - start);
        }
        return max;
    }
}
