package org.quasivm.vmm.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.memory.PcMemoryMap;

class SmbiosTablesTest {

    private static int sum(byte[] b, int from, int length) {
        int s = 0;
        for (int i = from; i < from + length; i++) {
            s += b[i];
        }
        return s & 0xFF;
    }

    @Test
    void entryPointChecksumsAndPointsAtTheTable() {
        byte[] rom = new byte[0x1_0000];
        SmbiosTables.install(rom, 0xF_0000L, 0xF000, 0xF020, new byte[16]);
        assertEquals("_SM_", new String(rom, 0xF000, 4, StandardCharsets.US_ASCII));
        assertEquals("_DMI_", new String(rom, 0xF010, 5, StandardCharsets.US_ASCII));
        assertEquals(0, sum(rom, 0xF000, 0x1F));
        assertEquals(0, sum(rom, 0xF010, 0x0F));
        int address = (rom[0xF018] & 0xFF) | (rom[0xF019] & 0xFF) << 8 | (rom[0xF01A] & 0xFF) << 16
                | (rom[0xF01B] & 0xFF) << 24;
        assertEquals(0xF_F020, address);
        assertEquals(0, rom[0xF020]);          // type 0 first
        assertEquals(3, rom[0xF01C]);           // three structures
    }

    @Test
    void structuresEndWithType127AndCarryTheUuid() {
        byte[] uuid = new byte[16];
        uuid[0] = 0x42;
        byte[] t = SmbiosTables.structures(uuid);
        String text = new String(t, StandardCharsets.ISO_8859_1);
        assertEquals(true, text.contains("QuasiVM PC (i440FX + PIIX3)"));
        assertEquals(127, t[t.length - 6]);
        int system = text.indexOf("01/01/2024") + 12;
        assertEquals(1, t[system]);
        assertEquals(0x42, t[system + 8]);
    }

    @Test
    void directBootBoardHasTablesInTheFSegment() throws IOException {
        BootFirmware.Linux linux = new BootFirmware.Linux(BzImage.parse("k",
                LinuxBootLoaderTest.syntheticKernel(4096)), null, "");
        try (PcBoard b = new PcBoard(BoardConfig.builder(64 << 20, linux).build())) {
            assertEquals(0x5F4D535FL, b.memory().read(0xF_F000L, 4)); // "_SM_"
            assertEquals(0xF4, b.memory().read(PcMemoryMap.FOUR_GIB - 16, 1)); // reset vector: HLT
        }
    }
}
