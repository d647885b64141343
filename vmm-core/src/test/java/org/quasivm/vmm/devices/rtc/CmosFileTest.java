package org.quasivm.vmm.devices.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.TestClock;

class CmosFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsRamAndClockOffset() throws IOException {
        TestClock time = new TestClock();
        Rtc146818 rtc = new Rtc146818(time.clock, new RecordingIrqLine(), 1_000_000);
        rtc.setCmosByte(0x3D, 0x21);
        Path file = dir.resolve("cmos.bin");
        CmosFile.save(file, CmosImage.of(rtc, 999_000));
        CmosImage back = CmosFile.load(file).orElseThrow();
        assertEquals(1_000, back.offsetSeconds());
        assertEquals(0x21, back.bytes()[0x3D]);
        Rtc146818 fresh = new Rtc146818(time.clock, new RecordingIrqLine(), 0);
        back.applyRamTo(fresh);
        assertEquals(0x21, fresh.cmosByte(0x3D));
        assertTrue(Files.list(dir).noneMatch(p -> p.toString().endsWith(".tmp")));
    }

    @Test
    void missingFileIsEmpty() throws IOException {
        assertTrue(CmosFile.load(dir.resolve("none")).isEmpty());
    }

    @Test
    void corruptFileNamesTheFileAndTheProblem() throws IOException {
        Path file = dir.resolve("cmos.bin");
        CmosFile.save(file, new CmosImage(new byte[128], 0));
        byte[] raw = Files.readAllBytes(file);
        raw[20] ^= 1;
        Files.write(file, raw);
        IOException e = assertThrows(IOException.class, () -> CmosFile.load(file));
        assertTrue(e.getMessage().contains("cmos.bin") && e.getMessage().contains("checksum"), e.getMessage());
        Files.write(file, new byte[5]);
        e = assertThrows(IOException.class, () -> CmosFile.load(file));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
    }
}
