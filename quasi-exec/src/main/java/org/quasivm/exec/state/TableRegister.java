package org.quasivm.exec.state;

/** GDTR or IDTR: linear base and 16-bit limit. */
public record TableRegister(long base, int limit) {
    public TableRegister {
        if ((limit & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("descriptor table limit out of range: " + Integer.toHexString(limit));
        }
    }
}
