package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScreenTest {

    @TempDir
    Path work;

    private Path ppm(String header, int... rgbBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        for (int b : rgbBytes) {
            out.write(b);
        }
        Path file = work.resolve("picture.ppm");
        Files.write(file, out.toByteArray());
        return file;
    }

    @Test
    void readsBinaryPpmPixelsAsOpaqueArgbRowByRow() throws IOException {
        Screen screen = Screen.readPpm(ppm("P6\n2 1\n255\n", 0x12, 0x34, 0x56, 0xFF, 0x00, 0x80));
        assertEquals(2, screen.width());
        assertEquals(1, screen.height());
        assertEquals(0xFF123456, screen.pixel(0, 0));
        assertEquals(0xFFFF0080, screen.pixel(1, 0));
    }

    @Test
    void skipsCommentsInThePpmHeader() throws IOException {
        Screen screen = Screen.readPpm(ppm("P6\n# made by a test\n1 1\n255\n", 1, 2, 3));
        assertEquals(0xFF010203, screen.pixel(0, 0));
    }

    @Test
    void refusesAPpmWithTooFewPixelBytes() throws IOException {
        Path file = ppm("P6\n2 2\n255\n", 1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> Screen.readPpm(file));
    }

    @Test
    void refusesAsciiPpm() throws IOException {
        Path file = ppm("P3\n1 1\n255\n1 2 3\n");
        assertThrows(IllegalArgumentException.class, () -> Screen.readPpm(file));
    }

    @Test
    void differenceNamesTheCountAndTheFirstDifferingPixel() {
        Screen a = Screen.blank(3, 2);
        Screen b = Screen.blank(3, 2);
        assertNull(a.difference(b));
        b.set(2, 1, 0xABCDEF);
        assertEquals("1 pixels differ; first at (2, 1): 000000, expected ABCDEF", a.difference(b));
    }
}
