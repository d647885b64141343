package org.quasivm.nativehelper.kvm;

/**
 * KVM cannot be used on this host: no /dev/kvm, no permission, not a KVM device, an unsupported API version or a
 * missing capability. The message is one line meant for the user as is ({@code quasivm} prints it and exits).
 */
public final class KvmUnavailableException extends RuntimeException {

    public KvmUnavailableException(String message) {
        super(message);
    }

    public KvmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
