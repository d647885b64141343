package org.quasivm.disk.ova;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quasivm.disk.DiskImageException;

/** An OVF manifest (.mf): one {@code SHA256(file)= hex} line per file of the package (SHA1 and SHA512 too). */
final class Manifest {
    static final int MAX_BYTES = 1 << 20;
    private static final Pattern LINE = Pattern.compile("^(SHA1|SHA256|SHA512)\\s*\\(([^)]+)\\)\\s*=\\s*([0-9a-fA-F]+)\\s*$");

    record Entry(String algorithm, String file, byte[] digest) {
        MessageDigest newDigest() {
            return Manifest.newDigest(algorithm);
        }

        /** "SHA-256" etc. */
        String displayName() {
            return algorithm.replace("SHA", "SHA-");
        }
    }

    private Manifest() {
    }

    static Map<String, Entry> parse(Path file, byte[] bytes) throws DiskImageException {
        if (bytes.length > MAX_BYTES) {
            throw new DiskImageException(file, "manifest is larger than 1 MiB");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new DiskImageException(file, "manifest line " + lineNo + " is not ALGORITHM(file)= digest");
            }
            String alg = m.group(1);
            byte[] digest = HexFormat.of().parseHex(m.group(3).length() % 2 == 0 ? m.group(3) : "0" + m.group(3));
            if (digest.length != newDigest(alg).getDigestLength()) {
                throw new DiskImageException(file, "manifest line " + lineNo + ": " + alg + " digest has "
                        + digest.length + " bytes");
            }
            out.put(m.group(2), new Entry(alg, m.group(2), digest));
        }
        return out;
    }

    static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.replace("SHA", "SHA-"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without " + algorithm, e);
        }
    }

    static String line(String algorithm, String file, byte[] digest) {
        return algorithm + "(" + file + ")= " + HexFormat.of().formatHex(digest) + "\n";
    }
}
