package org.quasivm.disk.vmdk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quasivm.disk.DiskImageException;

/**
 * The text descriptor of a VMDK (embedded in a sparse extent or a separate file): CID chain fields, create
 * type, parent hint, extent lines and the disk database. Rewrites edit the original text line by line, so
 * fields this class does not model survive.
 */
public final class VmdkDescriptor {
    /** parentCID of a disk without parent. */
    public static final long NO_PARENT_CID = 0xffffffffL;
    static final int MAX_TEXT_BYTES = 1 << 20;
    static final int MAX_EXTENTS = 65536;
    private static final Pattern EXTENT = Pattern.compile(
            "^(RW|RDONLY|NOACCESS)\\s+(\\d+)\\s+([A-Za-z]+)(?:\\s+\"([^\"]*)\"(?:\\s+(\\d+))?)?\\s*$");
    private static final Pattern FIELD = Pattern.compile("^([A-Za-z0-9_.]+)\\s*=\\s*(.*?)\\s*$");

    /** One extent line: {@code RW 4194304 SPARSE "disk-s001.vmdk"}. */
    public record ExtentLine(String access, long sectors, String type, String fileName, long offset) {
        public String toText() {
            StringBuilder b = new StringBuilder().append(access).append(' ').append(sectors).append(' ').append(type);
            if (fileName != null) {
                b.append(" \"").append(fileName).append('"');
                if (type.equals("FLAT") || offset != 0) {
                    b.append(' ').append(offset);
                }
            }
            return b.toString();
        }
    }

    private final String text;
    private final Map<String, String> fields;
    private final List<ExtentLine> extents;

    private VmdkDescriptor(String text, Map<String, String> fields, List<ExtentLine> extents) {
        this.text = text;
        this.fields = fields;
        this.extents = extents;
    }

    /** Parses descriptor bytes (trailing NULs of an embedded descriptor are ignored). */
    public static VmdkDescriptor parse(Path file, byte[] bytes, int length) throws DiskImageException {
        int end = 0;
        while (end < length && bytes[end] != 0) {
            end++;
        }
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        List<ExtentLine> extents = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\r?\n|\r")) {
            lineNo++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = EXTENT.matcher(line);
            if (m.matches()) {
                if (extents.size() >= MAX_EXTENTS) {
                    throw new DiskImageException(file, "descriptor lists more than " + MAX_EXTENTS + " extents");
                }
                long sectors = parseNumber(file, m.group(2), "extent size on descriptor line " + lineNo);
                long offset = m.group(5) == null ? 0 : parseNumber(file, m.group(5),
                        "extent offset on descriptor line " + lineNo);
                extents.add(new ExtentLine(m.group(1), sectors, m.group(3).toUpperCase(Locale.ROOT), m.group(4),
                        offset));
                continue;
            }
            Matcher f = FIELD.matcher(line);
            if (f.matches()) {
                fields.put(f.group(1), unquote(f.group(2)));
                continue;
            }
            throw new DiskImageException(file, "descriptor line " + lineNo + " is neither a field nor an extent: "
                    + abbreviate(line));
        }
        if (!fields.containsKey("createType")) {
            throw new DiskImageException(file, "descriptor has no createType");
        }
        if (extents.isEmpty()) {
            throw new DiskImageException(file, "descriptor lists no extents");
        }
        return new VmdkDescriptor(text, fields, extents);
    }

    private static long parseNumber(Path file, String s, String what) throws DiskImageException {
        if (s.length() > 18) {
            throw new DiskImageException(file, what + " is too large: " + s);
        }
        return Long.parseLong(s);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    public String createType() {
        return fields.get("createType");
    }

    public String field(String key) {
        return fields.get(key);
    }

    public List<ExtentLine> extents() {
        return extents;
    }

    public long cid(Path file) throws DiskImageException {
        return hexField(file, "CID", NO_PARENT_CID);
    }

    public long parentCid(Path file) throws DiskImageException {
        return hexField(file, "parentCID", NO_PARENT_CID);
    }

    private long hexField(Path file, String key, long dflt) throws DiskImageException {
        String v = fields.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long x = Long.parseLong(v, 16);
            if (x < 0 || x > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new DiskImageException(file, "descriptor field " + key + " is not a 32-bit hex number: "
                    + abbreviate(v));
        }
    }

    /** The parent file name hint, or null. */
    public String parentFileNameHint() {
        String v = fields.get("parentFileNameHint");
        return v == null || v.isEmpty() ? null : v;
    }

    public String text() {
        return text;
    }

    public byte[] bytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A copy with {@code key} set (replacing its line, or added after createType) or removed when null. */
    public VmdkDescriptor with(String key, String value, boolean quoted) {
        StringBuilder out = new StringBuilder();
        boolean done = false;
        String newLine = value == null ? null : key + "=" + (quoted ? "\"" + value + "\"" : value);
        for (String line : text.split("\n", -1)) {
            Matcher f = FIELD.matcher(line.trim());
            if (!line.trim().startsWith("#") && f.matches() && f.group(1).equals(key)) {
                if (newLine != null) {
                    out.append(newLine).append('\n');
                }
                done = true;
                continue;
            }
            out.append(line).append('\n');
            if (!done && newLine != null && f.matches() && f.group(1).equals("createType")) {
                out.append(newLine).append('\n');
                done = true;
            }
        }
        String t = out.substring(0, out.length() - 1);
        Map<String, String> nf = new LinkedHashMap<>(fields);
        if (value == null) {
            nf.remove(key);
        } else {
            nf.put(key, value);
        }
        return new VmdkDescriptor(t, nf, extents);
    }

    public VmdkDescriptor withCid(long cid) {
        return with("CID", String.format("%08x", cid), false);
    }

    public VmdkDescriptor withParent(long parentCid, String hint) {
        return with("parentCID", String.format("%08x", parentCid), false).with("parentFileNameHint", hint, true);
    }

    /** A new descriptor in the layout VMware and QEMU write. */
    public static VmdkDescriptor create(long cid, long parentCid, String createType, String parentHint,
                                        List<ExtentLine> extents, long sectors, String adapterType) {
        StringBuilder b = new StringBuilder();
        b.append("# Disk DescriptorFile\n");
        b.append("version=1\n");
        b.append(String.format("CID=%08x\n", cid));
        b.append(String.format("parentCID=%08x\n", parentCid));
        b.append("createType=\"").append(createType).append("\"\n");
        if (parentHint != null) {
            b.append("parentFileNameHint=\"").append(parentHint).append("\"\n");
        }
        b.append("\n# Extent description\n");
        for (ExtentLine e : extents) {
            b.append(e.toText()).append('\n');
        }
        long cylinders = Math.min(sectors / (16 * 63), 16383);
        b.append("\n# The Disk Data Base\n#DDB\n\n");
        b.append("ddb.virtualHWVersion = \"4\"\n");
        b.append("ddb.geometry.cylinders = \"").append(cylinders).append("\"\n");
        b.append("ddb.geometry.heads = \"16\"\n");
        b.append("ddb.geometry.sectors = \"63\"\n");
        b.append("ddb.adapterType = \"").append(adapterType).append("\"\n");
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        try {
            return parse(null, bytes, bytes.length);
        } catch (DiskImageException e) {
            throw new IllegalStateException("generated descriptor does not parse", e);
        }
    }
}
