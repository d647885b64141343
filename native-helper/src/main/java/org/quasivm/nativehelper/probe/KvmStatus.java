package org.quasivm.nativehelper.probe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the host offers for KVM.
 *
 * @param device       the device path probed
 * @param present      the device node exists
 * @param usable       it opened, speaks API version 12 and created a VM
 * @param apiVersion   KVM_GET_API_VERSION, or null when the device could not be asked
 * @param reason       why KVM is not usable (one line), or null when it is
 * @param capabilities KVM_CHECK_EXTENSION results by capability name (empty when the device could not be asked)
 */
public record KvmStatus(String device, boolean present, boolean usable, Integer apiVersion, String reason,
                        Map<String, Integer> capabilities) {

    public KvmStatus {
        capabilities = Collections.unmodifiableMap(new LinkedHashMap<>(capabilities)); // keeps the probe's order
    }
}
