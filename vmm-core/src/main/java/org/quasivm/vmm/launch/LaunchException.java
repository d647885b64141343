package org.quasivm.vmm.launch;

/** A VM cannot start as defined on this host; the message is one line for the user. */
public final class LaunchException extends Exception {

    /** Why: a host limitation (no usable KVM) or a file the definition names that cannot be used. */
    public enum Kind { UNSUPPORTED, INVALID, IO }

    private final Kind kind;

    public LaunchException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LaunchException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
