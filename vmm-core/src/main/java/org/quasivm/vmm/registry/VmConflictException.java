package org.quasivm.vmm.registry;

/** The operation collides with existing state: a name already taken, a VM or image in use. */
public final class VmConflictException extends Exception {
    public VmConflictException(String message) {
        super(message);
    }
}
