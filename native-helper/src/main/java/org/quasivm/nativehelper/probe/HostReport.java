package org.quasivm.nativehelper.probe;

/**
 * The host as {@code quasivm host} reports it (the CLI adds the executor calibration).
 *
 * @param javaVersion  {@code java.version}
 * @param javaVendor   {@code java.vendor}
 * @param jvmName      {@code java.vm.name}
 * @param os           {@code os.name os.version os.arch}
 * @param cores        processors available to the JVM
 * @param memoryBytes  physical memory of the host (0 when unknown)
 * @param kvm          KVM availability
 */
public record HostReport(String javaVersion, String javaVendor, String jvmName, String os, int cores,
                         long memoryBytes, KvmStatus kvm) {
}
