package org.quasivm.nativehelper.libc;

/**
 * A native call failed with an errno. The message names the call and the error:
 * {@code KVM_SET_USER_MEMORY_REGION failed: EINVAL (22)}.
 */
public class ErrnoException extends RuntimeException {

    private final String operation;
    private final int errno;

    public ErrnoException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.operation = operation;
        this.errno = errno;
    }

    /** The call that failed, e.g. {@code KVM_RUN} or {@code open /dev/kvm}. */
    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }
}
