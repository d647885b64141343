package org.quasivm.vmm.config;

/** Which CPU executor runs the guest: the fastest usable one, the software CPU, or KVM. */
public enum ExecutorChoice implements JsonName {
    AUTO, SOFTWARE, KVM
}
