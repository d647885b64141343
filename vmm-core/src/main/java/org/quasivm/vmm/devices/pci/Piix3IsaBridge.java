package org.quasivm.vmm.devices.pci;

import java.util.Arrays;
import java.util.Objects;

import org.quasivm.vmm.bus.IrqLine;

/**
 * The PIIX3 PCI-to-ISA bridge at 00:01.0, 8086:7000. Its PIRQ route control registers (60h-63h) steer PCI
 * interrupts PIRQA#-PIRQD# onto ISA IRQs (bit 7 disables a route; IRQ 0-2, 8 and 13 cannot be targets). The rest of
 * its registers are kept for the firmware to read back.
 */
public final class Piix3IsaBridge extends PciFunction implements PciInterruptRouter {

    public static final PciIdentity IDENTITY = new PciIdentity(0x8086, 0x7000, 0x00, 0x06_01_00,
            PciIdentity.QEMU_SUBSYSTEM_VENDOR, PciIdentity.QEMU_SUBSYSTEM, 0);

    static final int PIRQRC = 0x60;
    static final int ROUTE_DISABLED = 0x80;
    private static final int ROUTABLE_IRQS = 0b1101_1110_1111_1000; // 3-7, 9-12, 14, 15

    private final IrqLine[] isaIrqs;
    private final boolean[] pirqAsserted = new boolean[4];
    private int driven;

    /**
     * @param isaIrqs this bridge's source on each ISA interrupt line, indexed by IRQ (16 entries; entries for IRQs
     *                that cannot be routed may be null)
     */
    public Piix3IsaBridge(IrqLine[] isaIrqs) {
        super("piix3", IDENTITY);
        if (isaIrqs.length != 16) {
            throw new IllegalArgumentException("the PIIX3 needs the 16 ISA interrupt lines");
        }
        for (int irq = 0; irq < 16; irq++) {
            if (routable(irq)) {
                Objects.requireNonNull(isaIrqs[irq], "ISA IRQ " + irq);
            }
        }
        this.isaIrqs = isaIrqs.clone();
        setWritable(0x4C, 1, 0xFF);      // IORT
        setWritable(0x4E, 2, 0xFF);      // XBCS
        setWritable(PIRQRC, 4, 0x8F);
        setWritable(0x69, 3, 0xFF);      // TOM, MSTAT
        setWritable(0x70, 2, 0xFF);      // MBIRQ0/1
        setWritable(0x76, 2, 0xFF);      // MBDMA
        setWritable(0x78, 2, 0xFF);      // PCSC
        setWritable(0x80, 1, 0xFF);      // APICBASE
        setWritable(0x82, 1, 0x0F);      // DLC
        setWritable(0xA0, 16, 0xFF);     // SMI control, enables, timers
    }

    private static boolean routable(int irq) {
        return irq >= 0 && irq < 16 && (ROUTABLE_IRQS & (1 << irq)) != 0;
    }

    @Override
    protected void resetDevice() {
        putConfig(0x4C, 1, 0x4D);
        putConfig(0x4E, 2, 0x0003);
        putConfig(PIRQRC, 4, 0x8080_8080);
        putConfig(0x69, 1, 0x02);
        putConfig(0x70, 2, 0x8080);
        putConfig(0x76, 2, 0x0C0C);
        putConfig(0x78, 2, 0x0002);
        putConfig(0xA0, 1, 0x08);
        putConfig(0xA8, 1, 0x0F);
        Arrays.fill(pirqAsserted, false);
        route();
    }

    @Override
    protected void configWritten(int offset, int size) {
        if (offset < PIRQRC + 4 && offset + size > PIRQRC) {
            route();
        }
    }

    @Override
    public void setPirq(int pirq, boolean asserted) {
        pirqAsserted[pirq & 3] = asserted;
        route();
    }

    /** The ISA IRQ PIRQ {@code pirq} reaches, or -1 when its route is disabled or invalid. */
    public int routeOf(int pirq) {
        int reg = configByte(PIRQRC + (pirq & 3));
        int irq = reg & 0x0F;
        return (reg & ROUTE_DISABLED) == 0 && routable(irq) ? irq : -1;
    }

    private void route() {
        int want = 0;
        for (int p = 0; p < 4; p++) {
            int irq = routeOf(p);
            if (irq >= 0 && pirqAsserted[p]) {
                want |= 1 << irq;
            }
        }
        int changed = want ^ driven;
        driven = want;
        for (int irq = 0; changed != 0; irq++, changed >>>= 1) {
            if ((changed & 1) != 0) {
                isaIrqs[irq].setLevel((want & (1 << irq)) != 0);
            }
        }
    }

    /** After a snapshot restore: PIRQ levels as the functions drive them, then the routes re-applied. */
    public void restorePirqs(boolean[] asserted) {
        if (asserted.length != 4) {
            throw new IllegalArgumentException("four PIRQ levels");
        }
        System.arraycopy(asserted, 0, pirqAsserted, 0, 4);
        route();
    }

    public boolean[] pirqLevels() {
        return pirqAsserted.clone();
    }
}
