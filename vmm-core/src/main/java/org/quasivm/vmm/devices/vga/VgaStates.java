package org.quasivm.vmm.devices.vga;

import java.util.Objects;

/** Validation shared by the VGA's state records: a snapshot is untrusted input. */
final class VgaStates {

    private VgaStates() {
    }

    /** A defensive copy of {@code values}, which must have {@code length} entries, each 0-255. */
    static int[] bytes(String field, int[] values, int length) {
        Objects.requireNonNull(values, field);
        if (values.length != length) {
            throw new IllegalArgumentException(field + ": " + values.length + " entries, expected " + length);
        }
        for (int i = 0; i < length; i++) {
            if (values[i] < 0 || values[i] > 0xFF) {
                throw new IllegalArgumentException(field + "[" + i + "] = " + values[i] + " is not a byte");
            }
        }
        return values.clone();
    }

    static void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " = " + value + " is outside " + min + ".." + max);
        }
    }
}
