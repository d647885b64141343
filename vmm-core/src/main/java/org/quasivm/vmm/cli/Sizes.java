package org.quasivm.vmm.cli;

import java.util.Locale;

/** Sizes as users write them, the way qemu-img reads them: bytes, or a number with K, M, G or T (binary units). */
final class Sizes {

    private Sizes() {
    }

    static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("B") && t.length() > 1 && Character.isLetter(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1); // "8GB" as "8G"
        }
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
        }
        String digits = shift >= 0 ? t.substring(0, t.length() - 1) : t;
        if (!digits.matches("\\d{1,15}")) {
            throw new IllegalArgumentException("'" + text + "' is not a size (like 512M, 8G or 1073741824)");
        }
        long value = Long.parseLong(digits);
        long bytes = value << Math.max(shift, 0);
        if (value == 0 || (bytes >> Math.max(shift, 0)) != value || bytes > (1L << 50)) {
            throw new IllegalArgumentException("'" + text + "' is not a usable disk size");
        }
        return bytes;
    }

    /** A size for reading, rounded: "23.5 GiB". */
    static String approximate(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    /** A size for reading at any scale: "0 bytes", "512 bytes", "64.0 KiB", "1.5 MiB", "2.0 GiB", "1.2 TiB". */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes / 1024.0;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String format(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes + " bytes";
    }
}
