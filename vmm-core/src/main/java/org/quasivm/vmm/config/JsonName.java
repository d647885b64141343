package org.quasivm.vmm.config;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** An enum written in definitions, on the command line and in messages as its lower-case name. */
public interface JsonName {

    String name();

    @JsonValue
    default String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
