package org.quasivm.nativehelper.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Request numbers as printed by a C program including linux/kvm.h on x86-64. */
class KvmIoctlTest {

    @Test
    void requestNumbersMatchTheKernelHeader() {
        assertEquals(0xAE80L, KvmIoctl.KVM_RUN.request());
        assertEquals(0x4020AE46L, KvmIoctl.KVM_SET_USER_MEMORY_REGION.request());
        assertEquals(0x8138AE83L, KvmIoctl.KVM_GET_SREGS.request());
        assertEquals(0x4008AE90L, KvmIoctl.KVM_SET_CPUID2.request());
        assertEquals(0x9000AEA4L, KvmIoctl.KVM_GET_XSAVE.request());
        assertEquals(0x8040AE9FL, KvmIoctl.KVM_GET_VCPU_EVENTS.request());
        assertEquals(0x4080AEA2L, KvmIoctl.KVM_SET_DEBUGREGS.request());
    }

    @Test
    void failureMessageNamesTheIoctl() {
        assertEquals("KVM_SET_USER_MEMORY_REGION failed: EINVAL (22)",
                new KvmException(KvmIoctl.KVM_SET_USER_MEMORY_REGION, 22).getMessage());
    }
}
