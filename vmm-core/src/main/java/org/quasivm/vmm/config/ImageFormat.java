package org.quasivm.vmm.config;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** Disk image formats a definition may name. */
public enum ImageFormat {
    RAW("raw"), VMDK("vmdk"), VHD("vhd"), VDI("vdi"), QCOW2("qcow2");

    private final String json;

    ImageFormat(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    public static Optional<ImageFormat> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.json.equals(text)).findFirst();
    }

    @Override
    public String toString() {
        return json;
    }
}
