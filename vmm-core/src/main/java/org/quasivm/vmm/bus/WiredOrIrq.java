package org.quasivm.vmm.bus;

import java.util.Objects;

/**
 * One interrupt input shared by several devices (an ISA IRQ that a PCI PIRQ is also routed to): the input is high
 * while any source drives it high. Up to 32 sources.
 */
public final class WiredOrIrq {

    private final IrqLine target;
    private int asserted;
    private int sources;

    public WiredOrIrq(IrqLine target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** A new source on this line, initially low. */
    public IrqLine newSource() {
        if (sources == 32) {
            throw new IllegalStateException("more than 32 sources on one interrupt line");
        }
        int bit = 1 << sources++;
        return high -> {
            int before = asserted;
            asserted = high ? asserted | bit : asserted & ~bit;
            // while another source holds the line high, it does not move: an edge input sees nothing new
            if ((before == 0) != (asserted == 0)) {
                target.setLevel(asserted != 0);
            }
        };
    }

    public boolean isHigh() {
        return asserted != 0;
    }
}
