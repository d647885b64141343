package org.quasivm.vmm.config;

/** How guest time advances: with the host clock, or with executed instructions (reproducible runs). */
public enum ClockMode implements JsonName {
    REALTIME, DETERMINISTIC
}
