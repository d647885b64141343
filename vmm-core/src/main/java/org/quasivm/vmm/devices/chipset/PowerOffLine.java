package org.quasivm.vmm.devices.chipset;

/** The guest turned the machine off (ACPI S5 through SLP_EN). */
@FunctionalInterface
public interface PowerOffLine {

    void requestPowerOff();

    PowerOffLine NONE = () -> { };
}
