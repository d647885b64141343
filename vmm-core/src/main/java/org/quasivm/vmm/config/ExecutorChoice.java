package org.quasivm.vmm.config;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** Which CPU executor runs the guest: the fastest usable one, the software CPU, or KVM. */
public enum ExecutorChoice {
    AUTO("auto"), SOFTWARE("software"), KVM("kvm");

    private final String json;

    ExecutorChoice(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    public static Optional<ExecutorChoice> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.json.equals(text)).findFirst();
    }

    @Override
    public String toString() {
        return json;
    }
}
