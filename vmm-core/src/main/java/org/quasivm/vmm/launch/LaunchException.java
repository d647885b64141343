package org.quasivm.vmm.launch;

/** A VM cannot start as defined on this host; the message is one line for the user. */
public final class LaunchException extends Exception {

    /**
     * Why: a host limitation (no usable KVM), a file the definition names that cannot be used, or an image another
     * VM holds.
     */
    public enum Kind { UNSUPPORTED, INVALID, IO, IN_USE }

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
