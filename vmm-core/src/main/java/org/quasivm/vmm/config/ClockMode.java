package org.quasivm.vmm.config;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** How guest time advances: with the host clock, or with executed instructions (reproducible runs). */
public enum ClockMode {
    REALTIME("realtime"), DETERMINISTIC("deterministic");

    private final String json;

    ClockMode(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    public static Optional<ClockMode> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.json.equals(text)).findFirst();
    }

    @Override
    public String toString() {
        return json;
    }
}
