package org.quasivm.nativehelper.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.nativehelper.kvm.Kvm;

class HostProbeTest {

    @TempDir
    Path dir;

    @Test
    void reportsJvmCoresAndMemory() {
        HostReport r = HostProbe.probe(dir.resolve("kvm"));
        assertEquals(System.getProperty("java.version"), r.javaVersion());
        assertTrue(r.cores() >= 1);
        assertTrue(r.memoryBytes() > 64L << 20, "memory " + r.memoryBytes());
    }

    @Test
    void missingDeviceIsNeitherPresentNorUsable() {
        KvmStatus s = HostProbe.probeKvm(dir.resolve("kvm"));
        assertFalse(s.present());
        assertFalse(s.usable());
        assertNull(s.apiVersion());
        assertTrue(s.reason().contains("does not exist"), s.reason());
    }

    @Test
    void deviceThatIsNotKvmIsPresentButNotUsable() {
        KvmStatus s = HostProbe.probeKvm(Path.of("/dev/null"));
        assertTrue(s.present());
        assertFalse(s.usable());
        assertTrue(s.reason().contains("not a KVM device"), s.reason());
    }

    @Test
    void usableKvmReportsApiVersionAndCapabilities() {
        KvmStatus s = HostProbe.probeKvm(Kvm.DEVICE);
        assumeTrue(s.usable(), "KVM tests skipped: " + s.reason());
        assertTrue(s.present());
        assertEquals(12, s.apiVersion());
        assertNull(s.reason());
        assertTrue(s.capabilities().get("USER_MEMORY") > 0);
    }
}
