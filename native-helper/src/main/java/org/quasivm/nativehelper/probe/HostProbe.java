package org.quasivm.nativehelper.probe;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.quasivm.nativehelper.kvm.Kvm;
import org.quasivm.nativehelper.kvm.KvmCapability;
import org.quasivm.nativehelper.kvm.KvmException;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;
import org.quasivm.nativehelper.kvm.KvmVm;

/** Looks at the host: JVM, processors, memory and whether KVM is there and usable. Cheap; no guest is run. */
public final class HostProbe {

    private HostProbe() {
    }

    public static HostReport probe() {
        return probe(Kvm.DEVICE);
    }

    public static HostReport probe(Path kvmDevice) {
        return new HostReport(System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("java.vm.name"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), physicalMemory(), probeKvm(kvmDevice));
    }

    /** Present = the node exists; usable = open, API version 12 and KVM_CREATE_VM all succeed. */
    public static KvmStatus probeKvm(Path device) {
        boolean present = Files.exists(device);
        try (Kvm kvm = Kvm.open(device)) {
            Map<String, Integer> capabilities = new LinkedHashMap<>();
            for (KvmCapability c : KvmCapability.values()) {
                capabilities.put(c.name(), kvm.checkExtension(c));
            }
            int version = kvm.apiVersion();
            try (KvmVm vm = kvm.createVm()) {
                return new KvmStatus(device.toString(), present, true, version, null, capabilities);
            } catch (KvmException e) {
                return new KvmStatus(device.toString(), present, false, version,
                        "KVM is not usable: " + e.getMessage(), capabilities);
            }
        } catch (KvmUnavailableException e) {
            return new KvmStatus(device.toString(), present, false, null, e.getMessage(), Map.of());
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new KvmStatus(device.toString(), present, false, null,
                    "KVM is not usable: native access unavailable (" + e.getMessage() + ")", Map.of());
        }
    }

    private static long physicalMemory() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
