package org.quasivm.templates.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** The boot disk's partition table, as SeaBIOS, SYSLINUX's MBR and Linux read it. */
class BootDiskTest {

    private static ByteBuffer mbr() throws Exception {
        byte[] code = new byte[440];
        code[0] = (byte) 0xFA;
        return ByteBuffer.wrap(BootDisk.masterBootRecord(code, 129_024)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void oneActiveFat16PartitionStartsAtOneMebibyte() throws Exception {
        ByteBuffer m = mbr();
        assertEquals(0x80, m.get(446) & 0xFF);
        assertEquals(0x06, m.get(450));
        assertEquals(2048, m.getInt(454));
        assertEquals(129_024, m.getInt(458));
        assertEquals(0xAA55, m.getShort(510) & 0xFFFF);
        assertEquals((byte) 0xFA, m.get(0));
    }

    @Test
    void chsFieldsMatchTheLbaForSixteenHeadsAndSixtyThreeSectors() throws Exception {
        ByteBuffer m = mbr();
        // LBA 2048 = cylinder 2, head 0, sector 33
        assertEquals(0, m.get(447));
        assertEquals(33, m.get(448) & 0x3F);
        assertEquals(2, m.get(449));
        // LBA 131071 = cylinder 130, head 0, sector 32 (130*1008 = 131040; +31)
        assertEquals(0, m.get(451));
        assertEquals(32, m.get(452) & 0x3F);
        assertEquals(130, m.get(453) & 0xFF);
    }

    @Test
    void theBootConfigurationTalksOnTheSerialPort() {
        String cfg = BootDisk.bootConfig("console=ttyS0");
        assertEquals("SERIAL 0 115200", cfg.lines().findFirst().orElseThrow());
    }
}
