package org.quasivm.vmm.devices.pci;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.quasivm.vmm.bus.IrqLine;

/**
 * PCI bus 0: 32 device slots of 8 functions, configuration access by (device, function, register), and INTx
 * wiring. A function's INTx pin reaches PIRQ {@code (device - 1 + pin - 1) mod 4}, the PIIX rotation that SeaBIOS's
 * interrupt routing table and ACPI _PRT describe.
 */
public final class PciBus {

    public static final int DEVICES = 32;
    public static final int FUNCTIONS = 8;

    private final PciFunction[][] functions = new PciFunction[DEVICES][FUNCTIONS];
    private final PciAddressSpace space;
    private final int[] pirqAsserters = new int[4];
    private PciInterruptRouter router = PciInterruptRouter.NONE;

    public PciBus(PciAddressSpace space) {
        this.space = Objects.requireNonNull(space, "space");
    }

    public void setInterruptRouter(PciInterruptRouter router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    /** Plugs {@code function} in at device {@code device}, function {@code fn}, and resets it. */
    public void add(int device, int fn, PciFunction function) {
        Objects.checkIndex(device, DEVICES);
        Objects.checkIndex(fn, FUNCTIONS);
        Objects.requireNonNull(function, "function");
        if (functions[device][fn] != null) {
            throw new IllegalStateException(String.format("PCI %02x.%d is taken by %s", device, fn,
                    functions[device][fn]));
        }
        functions[device][fn] = function;
        function.attach(space, intxLine(device, function.identity().interruptPin()));
        if (fn != 0 || hasOtherFunctions(device)) {
            for (PciFunction f : functions[device]) {
                if (f != null) {
                    f.markMultiFunction();
                }
            }
        }
    }

    private boolean hasOtherFunctions(int device) {
        for (int f = 1; f < FUNCTIONS; f++) {
            if (functions[device][f] != null) {
                return true;
            }
        }
        return false;
    }

    private IrqLine intxLine(int device, int pin) {
        if (pin == 0) {
            return IrqLine.NONE;
        }
        int pirq = (device - 1 + pin - 1) & 3;
        return new IrqLine() {
            private boolean level;

            @Override
            public void setLevel(boolean high) {
                if (high == level) {
                    return;
                }
                level = high;
                pirqAsserters[pirq] += high ? 1 : -1;
                router.setPirq(pirq, pirqAsserters[pirq] > 0);
            }
        };
    }

    /** The function at (device, fn), or null. */
    public PciFunction function(int device, int fn) {
        if (device < 0 || device >= DEVICES || fn < 0 || fn >= FUNCTIONS) {
            return null;
        }
        return functions[device][fn];
    }

    public List<PciFunction> functions() {
        List<PciFunction> all = new ArrayList<>();
        for (PciFunction[] slot : functions) {
            for (PciFunction f : slot) {
                if (f != null) {
                    all.add(f);
                }
            }
        }
        return all;
    }

    /** A configuration read; an empty slot reads all ones (master abort). */
    public int readConfig(int device, int fn, int offset, int size) {
        PciFunction f = function(device, fn);
        if (f == null) {
            return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFF_FFFF;
        }
        return f.readConfig(offset, size);
    }

    public void writeConfig(int device, int fn, int offset, int size, int value) {
        PciFunction f = function(device, fn);
        if (f != null) {
            f.writeConfig(offset, size, value);
        }
    }

    /** RST#: every function back to power-on state. */
    public void reset() {
        for (PciFunction f : functions()) {
            f.reset();
        }
    }
}
