package org.quasivm.vmm.bus;

import java.util.Objects;

/**
 * One device window on a bus: [base, base + length). Names appear in overlap errors and listings.
 */
public record BusMapping(String name, long base, long length, BusDevice device, AccessWidth width) {

    public BusMapping {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(width, "width");
        if (length <= 0) {
            throw new IllegalArgumentException(name + ": empty bus window");
        }
        if (base < 0) {
            throw new IllegalArgumentException(name + ": negative base");
        }
    }

    public long end() {
        return base + length;
    }

    public boolean overlaps(long otherBase, long otherLength) {
        return otherBase < end() && base < otherBase + otherLength;
    }

    @Override
    public String toString() {
        return String.format("%s [%#x-%#x]", name, base, end() - 1);
    }
}
