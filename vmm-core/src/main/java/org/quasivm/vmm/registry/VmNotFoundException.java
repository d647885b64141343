package org.quasivm.vmm.registry;

/** No VM of that name in this home. */
public final class VmNotFoundException extends Exception {
    public VmNotFoundException(String name, java.nio.file.Path home) {
        super("no VM named '" + name + "' in " + home);
    }
}
