package org.quasivm.disk;

import java.util.List;
import java.util.Locale;

/** The image formats this module reads and writes. Subformat names are those the format's vendor uses. */
public enum ImageFormat {
    RAW("raw", List.of("raw"), "raw"),
    VMDK("vmdk", List.of("monolithicSparse", "monolithicFlat", "twoGbMaxExtentSparse", "twoGbMaxExtentFlat",
            "streamOptimized"), "monolithicSparse"),
    VHD("vhd", List.of("dynamic", "fixed"), "dynamic"),
    VDI("vdi", List.of("dynamic", "fixed"), "dynamic"),
    QCOW2("qcow2", List.of("v3", "v2"), "v3");

    private final String id;
    private final List<String> writableSubformats;
    private final String defaultSubformat;

    ImageFormat(String id, List<String> writableSubformats, String defaultSubformat) {
        this.id = id;
        this.writableSubformats = writableSubformats;
        this.defaultSubformat = defaultSubformat;
    }

    /** Lower-case name as used on the command line. */
    public String id() {
        return id;
    }

    /** Subformats {@link DiskImages#create} can write for this format. */
    public List<String> writableSubformats() {
        return writableSubformats;
    }

    public String defaultSubformat() {
        return defaultSubformat;
    }

    /** Canonical spelling of a subformat name (case-insensitive), or the default for null. */
    public String subformat(String name) {
        if (name == null || name.isEmpty()) {
            return defaultSubformat;
        }
        for (String s : writableSubformats) {
            if (s.equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("format " + id + " has no writable subformat '" + name
                + "' (choose one of " + String.join(", ", writableSubformats) + ")");
    }

    /** Parses a format name; {@code vpc} is accepted as QEMU's name for VHD. */
    public static ImageFormat parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("vpc")) {
            return VHD;
        }
        for (ImageFormat f : values()) {
            if (f.id.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown disk format '" + name + "' (raw, vmdk, vhd, vdi or qcow2)");
    }
}
