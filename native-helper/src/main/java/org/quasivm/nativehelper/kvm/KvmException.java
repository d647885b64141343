package org.quasivm.nativehelper.kvm;

import org.quasivm.nativehelper.libc.ErrnoException;

/** A KVM ioctl failed: {@code KVM_SET_USER_MEMORY_REGION failed: EINVAL (22)}. */
public final class KvmException extends ErrnoException {

    private final KvmIoctl ioctl;

    public KvmException(KvmIoctl ioctl, int errno) {
        super(ioctl.name(), errno);
        this.ioctl = ioctl;
    }

    /** A failure with more detail than the errno, e.g. which MSR KVM refused. */
    public KvmException(KvmIoctl ioctl, int errno, String detail) {
        super(ioctl.name() + " (" + detail + ")", errno);
        this.ioctl = ioctl;
    }

    public KvmIoctl ioctl() {
        return ioctl;
    }
}
