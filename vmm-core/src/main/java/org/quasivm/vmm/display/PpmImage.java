package org.quasivm.vmm.display;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Binary PPM (P6, maxval 255): the format of QEMU's monitor command {@code screendump}, read here so that a frame
 * can be compared with what QEMU shows for the same guest; and written, for the same comparison the other way.
 */
public final class PpmImage {

    private PpmImage() {
    }

    public static Frame read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        Header h = new Header(file, data);
        String magic = h.token("magic");
        if (!magic.equals("P6")) {
            throw new IOException(file + ": magic is " + magic + ", expected P6 (binary PPM)");
        }
        int width = h.number("width");
        int height = h.number("height");
        int maxval = h.number("maxval");
        if (maxval != 255) {
            throw new IOException(file + ": maxval " + maxval + " is not supported (only 255)");
        }
        if (width < 1 || height < 1 || width > Frame.MAX_SIDE || height > Frame.MAX_SIDE
                || (long) width * height > Frame.MAX_PIXELS) {
            throw new IOException(file + ": size " + width + "x" + height + " is outside what a frame can hold");
        }
        int start = h.position + 1; // exactly one whitespace byte after maxval
        long needed = (long) width * height * 3;
        if (data.length - start < needed) {
            throw new IOException(file + ": pixel data is " + (data.length - start) + " bytes, expected " + needed);
        }
        Frame frame = new Frame(width, height);
        int[] pixels = frame.pixels();
        for (int i = 0, p = start; i < pixels.length; i++, p += 3) {
            pixels[i] = Frame.OPAQUE_BLACK | (data[p] & 0xFF) << 16 | (data[p + 1] & 0xFF) << 8 | (data[p + 2] & 0xFF);
        }
        return frame;
    }

    public static void write(Frame frame, Path file) throws IOException {
        PngScreenshot.writeAtomically(file, raw -> {
            BufferedOutputStream out = new BufferedOutputStream(raw, 1 << 16);
            out.write(("P6\n" + frame.width() + " " + frame.height() + "\n255\n").getBytes(StandardCharsets.US_ASCII));
            for (int argb : frame.pixels()) {
                out.write(argb >>> 16);
                out.write(argb >>> 8);
                out.write(argb);
            }
            out.flush();
        });
    }

    /** The PPM header: whitespace-separated tokens, with {@code #} comments to the end of a line. */
    private static final class Header {
        private final Path file;
        private final byte[] data;
        int position;

        Header(Path file, byte[] data) {
            this.file = file;
            this.data = data;
        }

        String token(String field) throws IOException {
            skipSpaceAndComments();
            int start = position;
            while (position < data.length && position - start < 16 && !isSpace(data[position])) {
                position++;
            }
            if (position == start || position >= data.length) {
                throw new IOException(file + ": header field " + field + " is missing");
            }
            return new String(data, start, position - start, StandardCharsets.US_ASCII);
        }

        int number(String field) throws IOException {
            String token = token(field);
            try {
                return Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": header field " + field + " is not a number: " + token);
            }
        }

        private void skipSpaceAndComments() {
            while (position < data.length) {
                if (data[position] == '#') {
                    while (position < data.length && data[position] != '\n') {
                        position++;
                    }
                } else if (isSpace(data[position])) {
                    position++;
                } else {
                    return;
                }
            }
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }
    }
}
