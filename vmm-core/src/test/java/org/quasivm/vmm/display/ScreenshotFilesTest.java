package org.quasivm.vmm.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScreenshotFilesTest {

    @TempDir
    Path dir;

    private static Frame pattern() {
        Frame frame = new Frame(37, 23);
        int[] p = frame.pixels();
        for (int i = 0; i < p.length; i++) {
            p[i] = 0xFF00_0000 | (i * 0x9E3779B1) >>> 8;
        }
        return frame;
    }

    @Test
    void pngKeepsEveryPixel() throws IOException {
        Frame frame = pattern();
        Path file = dir.resolve("shot.png");
        PngScreenshot.write(frame, file);
        byte[] head = Files.readAllBytes(file);
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3, StandardCharsets.US_ASCII));
        assertTrue(PngScreenshot.read(file).samePixels(frame));
    }

    @Test
    void pngReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("shot.png");
        Files.writeString(file, "old");
        PngScreenshot.write(pattern(), file);
        try (var list = Files.list(dir)) {
            assertEquals(1, list.count());
        }
        assertTrue(PngScreenshot.read(file).samePixels(pattern()));
    }

    @Test
    void ppmRoundTripsAndReadsCommentsInTheHeader() throws IOException {
        Frame frame = pattern();
        Path file = dir.resolve("shot.ppm");
        PpmImage.write(frame, file);
        assertTrue(PpmImage.read(file).samePixels(frame));
        Path commented = dir.resolve("c.ppm");
        Files.write(commented, concat("P6\n# made by a test\n2 1\n255\n".getBytes(StandardCharsets.US_ASCII),
                new byte[] {1, 2, 3, (byte) 250, (byte) 251, (byte) 252}));
        Frame read = PpmImage.read(commented);
        assertEquals(0xFF01_0203, read.pixel(0, 0));
        assertEquals(0xFFFA_FBFC, read.pixel(1, 0));
    }

    @Test
    void ppmWithTheWrongMagicIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("bad.ppm");
        Files.writeString(file, "P3\n1 1\n255\n0 0 0\n");
        IOException e = assertThrows(IOException.class, () -> PpmImage.read(file));
        assertTrue(e.getMessage().contains("bad.ppm") && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void truncatedPpmIsRefused() throws IOException {
        Path file = dir.resolve("short.ppm");
        Files.write(file, concat("P6 4 4 255\n".getBytes(StandardCharsets.US_ASCII), new byte[10]));
        IOException e = assertThrows(IOException.class, () -> PpmImage.read(file));
        assertTrue(e.getMessage().contains("pixel data"), e.getMessage());
    }

    @Test
    void ppmLargerThanAFrameIsRefusedBeforeAllocating() throws IOException {
        Path file = dir.resolve("huge.ppm");
        Files.writeString(file, "P6 100000 100000 255\n");
        IOException e = assertThrows(IOException.class, () -> PpmImage.read(file));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
