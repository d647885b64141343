package org.quasivm.exec.cputest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads MOO files (format: github.com/dbalsom/moo {@code doc/moo_format_v1.md}): a {@code MOO } header chunk, then
 * chunks of which {@code TEST} holds sub-chunks NAME, BYTS, INIT, FINA, EXCP, HASH. Unknown chunks are skipped by
 * their length, as the format requires. Only the 16-bit register file ({@code REGS}) is supported — what the 80286 set
 * uses. Malformed input raises {@link IOException} naming the file and offset.
 */
public final class MooReader {
    /** Upper bound on one decompressed file; the staged files are a few MB. */
    private static final int MAX_FILE_BYTES = 512 << 20;
    private static final int REGISTER_COUNT = 14;

    private MooReader() {
    }

    public static List<MooTest> read(Path file) throws IOException {
        byte[] raw;
        try (InputStream in = open(file)) {
            raw = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (raw.length > MAX_FILE_BYTES) {
            throw new IOException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
        }
        return parse(file.toString(), ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    static List<MooTest> parse(String source, ByteBuffer b) throws IOException {
        List<MooTest> tests = new ArrayList<>();
        if (b.remaining() < 8 || !id(b, 0).equals("MOO ")) {
            throw new IOException(source + ": not a MOO file (no 'MOO ' header)");
        }
        int pos = 0;
        int end = b.limit();
        while (pos < end) {
            checkHeader(source, b, pos, end);
            String id = id(b, pos);
            int len = b.getInt(pos + 4);
            int body = pos + 8;
            if (len < 0 || body + (long) len > end) {
                throw new IOException(source + ": chunk " + id + " at offset " + pos + " overruns the file");
            }
            if (id.equals("TEST")) {
                tests.add(test(source, b, body, body + len));
            }
            pos = body + len;
        }
        return tests;
    }

    private static void checkHeader(String source, ByteBuffer b, int pos, int end) throws IOException {
        if (pos + 8 > end) {
            throw new IOException(source + ": truncated chunk header at offset " + pos);
        }
    }

    private static String id(ByteBuffer b, int pos) {
        byte[] id = new byte[4];
        b.get(pos, id);
        return new String(id, StandardCharsets.US_ASCII);
    }

    private static MooTest test(String source, ByteBuffer b, int start, int end) throws IOException {
        if (start + 4 > end) {
            throw new IOException(source + ": TEST chunk at " + start + " has no index");
        }
        int index = b.getInt(start);
        String name = "";
        byte[] bytes = new byte[0];
        int[] initRegs = null;
        int[] initRam = new int[0];
        int finalMask = 0;
        int[] finalRegs = new int[REGISTER_COUNT];
        int[] finalRam = new int[0];
        int exception = -1;
        long flagAddress = -1;
        String hash = "";
        int pos = start + 4;
        while (pos < end) {
            checkHeader(source, b, pos, end);
            String id = id(b, pos);
            int len = b.getInt(pos + 4);
            int body = pos + 8;
            if (len < 0 || body + (long) len > end) {
                throw new IOException(source + ": sub-chunk " + id + " of test " + index + " overruns its test");
            }
            switch (id) {
                case "NAME" -> name = new String(lengthPrefixed(source, b, body, len), StandardCharsets.US_ASCII);
                case "BYTS" -> bytes = lengthPrefixed(source, b, body, len);
                case "INIT" -> {
                    State s = state(source, b, body, body + len);
                    if (s.mask != (1 << REGISTER_COUNT) - 1) {
                        throw new IOException(source + ": test " + index + " initial state lacks registers");
                    }
                    initRegs = s.regs;
                    initRam = s.ram;
                }
                case "FINA" -> {
                    State s = state(source, b, body, body + len);
                    finalMask = s.mask;
                    finalRegs = s.regs;
                    finalRam = s.ram;
                }
                case "EXCP" -> {
                    if (len < 5) {
                        throw new IOException(source + ": test " + index + " EXCP too short");
                    }
                    exception = b.get(body) & 0xFF;
                    flagAddress = b.getInt(body + 1) & 0xFFFFFFFFL;
                }
                case "HASH" -> {
                    byte[] h = new byte[Math.min(len, 20)];
                    b.get(body, h);
                    hash = HexFormat.of().formatHex(h);
                }
                default -> {
                    // GMET, CYCL and future chunks: not needed to run the test.
                }
            }
            pos = body + len;
        }
        if (initRegs == null) {
            throw new IOException(source + ": test " + index + " has no initial state");
        }
        return new MooTest(index, name, bytes, initRegs, finalMask, finalRegs, initRam, finalRam, exception,
                flagAddress, hash);
    }

    private static byte[] lengthPrefixed(String source, ByteBuffer b, int body, int len) throws IOException {
        int n = b.getInt(body);
        if (n < 0 || n > len - 4) {
            throw new IOException(source + ": length field " + n + " exceeds its chunk at offset " + body);
        }
        byte[] out = new byte[n];
        b.get(body + 4, out);
        return out;
    }

    private record State(int mask, int[] regs, int[] ram) {
    }

    private static State state(String source, ByteBuffer b, int start, int end) throws IOException {
        int mask = 0;
        int[] regs = new int[REGISTER_COUNT];
        int[] ram = new int[0];
        int pos = start;
        while (pos < end) {
            checkHeader(source, b, pos, end);
            String id = id(b, pos);
            int len = b.getInt(pos + 4);
            int body = pos + 8;
            if (len < 0 || body + (long) len > end) {
                throw new IOException(source + ": state chunk " + id + " at " + pos + " overruns its state");
            }
            switch (id) {
                case "REGS" -> {
                    mask = b.getShort(body) & 0xFFFF;
                    int p = body + 2;
                    for (int r = 0; r < REGISTER_COUNT; r++) {
                        if ((mask & (1 << r)) != 0) {
                            if (p + 2 > body + len) {
                                throw new IOException(source + ": REGS chunk at " + pos + " too short");
                            }
                            regs[r] = b.getShort(p) & 0xFFFF;
                            p += 2;
                        }
                    }
                    mask &= (1 << REGISTER_COUNT) - 1;
                }
                case "RAM " -> {
                    int n = b.getInt(body);
                    if (n < 0 || (long) n * 5 > len - 4) {
                        throw new IOException(source + ": RAM chunk at " + pos + " claims " + n + " entries");
                    }
                    ram = new int[n * 2];
                    for (int i = 0; i < n; i++) {
                        int e = body + 4 + 5 * i;
                        ram[2 * i] = b.getInt(e);
                        ram[2 * i + 1] = b.get(e + 4) & 0xFF;
                    }
                }
                case "RG32" -> throw new IOException(source + ": 32-bit register files (RG32) are not supported");
                default -> {
                    // QUEU, RMSK (none in the 286 set), EA32: not needed.
                }
            }
            pos = body + len;
        }
        return new State(mask, regs, ram);
    }
}
