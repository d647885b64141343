package org.quasivm.nativehelper.kvm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Opens /dev/kvm for a test, or skips the test with the one-line reason when this host has no usable KVM. */
final class KvmTestSupport {

    private KvmTestSupport() {
    }

    static Kvm openOrSkip() {
        try {
            Kvm kvm = Kvm.open();
            kvm.createVm().close();
            return kvm;
        } catch (KvmUnavailableException | KvmException e) {
            assumeTrue(false, "KVM tests skipped: " + e.getMessage());
            throw new AssertionError(e);
        }
    }
}
