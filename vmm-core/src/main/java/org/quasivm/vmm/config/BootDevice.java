package org.quasivm.vmm.config;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** A kind of device the firmware may boot from. */
public enum BootDevice {
    CDROM("cdrom"), DISK("disk"), FLOPPY("floppy");

    private final String json;

    BootDevice(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    public static Optional<BootDevice> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.json.equals(text)).findFirst();
    }

    @Override
    public String toString() {
        return json;
    }
}
