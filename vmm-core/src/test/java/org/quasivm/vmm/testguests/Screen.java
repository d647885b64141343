package org.quasivm.vmm.testguests;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A captured or computed picture: {@code width * height} ARGB pixels, row by row. Captures come from QEMU's
 * {@code screendump} (binary PPM, "P6"); references are computed by the tests from what a guest draws.
 */
record Screen(int width, int height, int[] argb) {

    Screen {
        if (width <= 0 || height <= 0 || (long) width * height != argb.length) {
            throw new IllegalArgumentException("screen " + width + "x" + height + " with " + argb.length + " pixels");
        }
    }

    static Screen blank(int width, int height) {
        return new Screen(width, height, new int[width * height]);
    }

    int pixel(int x, int y) {
        return argb[y * width + x];
    }

    void set(int x, int y, int rgb) {
        argb[y * width + x] = 0xFF00_0000 | rgb;
    }

    /** Parses a binary PPM (P6, maxval 255) as QEMU's screendump writes it; comments in the header are allowed. */
    static Screen readPpm(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PpmHeader header = PpmHeader.parse(bytes, file);
        int pixels = header.width * header.height;
        if (bytes.length - header.dataOffset < pixels * 3L) {
            throw new IllegalArgumentException(file + ": PPM data is " + (bytes.length - header.dataOffset)
                    + " bytes, " + header.width + "x" + header.height + " needs " + pixels * 3L);
        }
        int[] argb = new int[pixels];
        for (int i = 0, p = header.dataOffset; i < pixels; i++, p += 3) {
            argb[i] = 0xFF00_0000 | (bytes[p] & 0xFF) << 16 | (bytes[p + 1] & 0xFF) << 8 | bytes[p + 2] & 0xFF;
        }
        return new Screen(header.width, header.height, argb);
    }

    void writePng(Path file) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, argb, 0, width);
        try {
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when equal; otherwise a one-line account of how the pictures differ, for a failure message. */
    String difference(Screen expected) {
        if (width != expected.width || height != expected.height) {
            return "size " + width + "x" + height + ", expected " + expected.width + "x" + expected.height;
        }
        int count = 0;
        int first = -1;
        for (int i = 0; i < argb.length; i++) {
            if (argb[i] != expected.argb[i]) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        return count + " pixels differ; first at (" + first % width + ", " + first / width + "): "
                + String.format("%06X, expected %06X", argb[first] & 0xFFFFFF, expected.argb[first] & 0xFFFFFF);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Screen s && width == s.width && height == s.height && Arrays.equals(argb, s.argb);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, Arrays.hashCode(argb));
    }

    @Override
    public String toString() {
        return "Screen[" + width + "x" + height + "]";
    }

    private record PpmHeader(int width, int height, int dataOffset) {

        static PpmHeader parse(byte[] bytes, Path file) {
            int[] pos = {0};
            String magic = token(bytes, pos, file);
            if (!magic.equals("P6")) {
                throw new IllegalArgumentException(file + ": not a binary PPM (magic " + magic + ")");
            }
            int width = number(bytes, pos, file, "width");
            int height = number(bytes, pos, file, "height");
            int maxval = number(bytes, pos, file, "maxval");
            if (maxval != 255) {
                throw new IllegalArgumentException(file + ": PPM maxval " + maxval + ", only 255 is supported");
            }
            if (width <= 0 || height <= 0 || width > 8192 || height > 8192) {
                throw new IllegalArgumentException(file + ": PPM size " + width + "x" + height + " out of range");
            }
            return new PpmHeader(width, height, pos[0] + 1);   // exactly one whitespace byte after maxval
        }

        private static int number(byte[] bytes, int[] pos, Path file, String field) {
            String token = token(bytes, pos, file);
            try {
                return Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": PPM " + field + " is not a number: " + token);
            }
        }

        private static String token(byte[] bytes, int[] pos, Path file) {
            int p = pos[0];
            while (p < bytes.length && (Character.isWhitespace(bytes[p]) || bytes[p] == '#')) {
                if (bytes[p] == '#') {
                    while (p < bytes.length && bytes[p] != '\n') {
                        p++;
                    }
                } else {
                    p++;
                }
            }
            int start = p;
            while (p < bytes.length && !Character.isWhitespace(bytes[p])) {
                p++;
            }
            if (start == p) {
                throw new IllegalArgumentException(file + ": PPM header ends early");
            }
            pos[0] = p;
            return new String(bytes, start, p - start, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
