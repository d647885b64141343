package org.quasivm.vmm.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareImagesTest {

    @TempDir
    Path dir;

    @Test
    void findsDebiansSeaBios() throws IOException {
        assumeTrue(FirmwareImages.findSeaBios().isPresent(), "Debian package seabios is not installed");
        BootFirmware.Rom rom = FirmwareImages.seaBios(FirmwareImages.findSeaBios().get());
        assertTrue(rom.image().length == 256 << 10 || rom.image().length == 128 << 10);
        assertEquals((byte) 0xEA, rom.image()[rom.image().length - 16]); // far jump at the reset vector
    }

    @Test
    void customRomMustBeWhole64KiBUnits() throws IOException {
        Path rom = dir.resolve("test.rom");
        Files.write(rom, new byte[1000]);
        IOException e = assertThrows(IOException.class, () -> FirmwareImages.customRom(rom, null));
        assertTrue(e.getMessage().startsWith(rom.toString()), e.getMessage());
        Files.write(rom, new byte[512 << 10]);
        assertThrows(IOException.class, () -> FirmwareImages.customRom(rom, null));
    }

    @Test
    void customRomLoadAddressMustMatchTheMapping() throws IOException {
        Path rom = dir.resolve("test.rom");
        Files.write(rom, new byte[64 << 10]);
        assertEquals(64 << 10, FirmwareImages.customRom(rom, 0xF_0000L).image().length);
        assertEquals(64 << 10, FirmwareImages.customRom(rom, 0xFFFF_0000L).image().length);
        IOException e = assertThrows(IOException.class, () -> FirmwareImages.customRom(rom, 0xE_0000L));
        assertTrue(e.getMessage().contains("loadAddress"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path none = dir.resolve("none.bin");
        IOException e = assertThrows(IOException.class, () -> FirmwareImages.seaBios(none));
        assertTrue(e.getMessage().startsWith(none.toString()), e.getMessage());
    }

    @Test
    void seaBiosOfTheWrongSizeIsRefused() throws IOException {
        Path bios = dir.resolve("bios.bin");
        Files.write(bios, new byte[64 << 10]);
        assertThrows(IOException.class, () -> FirmwareImages.seaBios(bios));
    }

    @Test
    void kernelThatIsNotABzImageIsReportedAsIoError() throws IOException {
        Path k = dir.resolve("vmlinuz");
        Files.write(k, new byte[4096]);
        IOException e = assertThrows(IOException.class, () -> FirmwareImages.linux(k, null, ""));
        assertTrue(e.getMessage().contains("vmlinuz"), e.getMessage());
    }
}
