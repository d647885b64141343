package org.quasivm.vmm.devices.chipset;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The A20 mask: address line 20 passes when either the keyboard controller's output port bit 1 or the fast A20
 * bit of port 92h is set (the chipset ORs them), and the CPU is told on every change.
 */
public final class A20Gate {

    private final Consumer<Boolean> cpu;
    private boolean keyboardController = true;
    private boolean fast;
    private boolean enabled = true;

    /** @param cpu told whether A20 is enabled, on every change ({@code Executor.setA20}) */
    public A20Gate(Consumer<Boolean> cpu) {
        this.cpu = Objects.requireNonNull(cpu, "cpu");
    }

    public void setKeyboardController(boolean on) {
        keyboardController = on;
        update();
    }

    public void setFast(boolean on) {
        fast = on;
        update();
    }

    public boolean fast() {
        return fast;
    }

    public boolean enabled() {
        return enabled;
    }

    private void update() {
        boolean now = keyboardController || fast;
        if (now != enabled) {
            enabled = now;
            cpu.accept(now);
        }
    }

    /** Tells the CPU the current state again (after the executor was replaced or reset). */
    public void resync() {
        cpu.accept(enabled);
    }
}
