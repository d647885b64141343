package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The committed ROMs are what their sources assemble to, and each is a well-formed 64 KiB firmware image. */
class GuestRomTest {

    static final String NASM = System.getProperty("quasivm.nasm", "nasm");
    private static final int ROM_SIZE = 0x10000;
    private static final int RESET_VECTOR = 0xFFF0;

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(TestGuest.class)
    void committedRomEqualsAFreshNasmBuildOfItsSource(TestGuest guest) throws Exception {
        Path fresh = work.resolve(guest.stem() + ".bin");
        List<String> cmd = List.of(NASM, "-f", "bin", "-Werror",
                "-i", TestGuest.commonIncludes() + "/", "-o", fresh.toString(), guest.source().toString());
        Process nasm;
        try {
            nasm = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + NASM + " (Debian package nasm): " + e.getMessage(), e);
        }
        String output = new String(nasm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!nasm.waitFor(60, TimeUnit.SECONDS)) {
            nasm.destroyForcibly();
            throw new AssertionError("nasm took over 60 s on " + guest.source());
        }
        assertEquals(0, nasm.exitValue(), "nasm failed on " + guest.source() + ":\n" + output);
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(guest.rom()),
                guest.rom() + " is stale: run scripts/build-test-guests");
    }

    @ParameterizedTest
    @EnumSource(TestGuest.class)
    void romIs64KiBWithAFarJumpIntoItselfAtTheResetVector(TestGuest guest) throws IOException {
        byte[] rom = Files.readAllBytes(guest.rom());
        assertEquals(ROM_SIZE, rom.length);
        assertEquals(0xEA, rom[RESET_VECTOR] & 0xFF, "JMP FAR opcode at F000:FFF0");
        int offset = (rom[RESET_VECTOR + 1] & 0xFF) | (rom[RESET_VECTOR + 2] & 0xFF) << 8;
        int segment = (rom[RESET_VECTOR + 3] & 0xFF) | (rom[RESET_VECTOR + 4] & 0xFF) << 8;
        assertEquals(0xF000, segment, "the jump stays in the ROM's segment");
        assertEquals(0xFA, rom[offset] & 0xFF, "the entry point starts with CLI");
    }
}
