/**
 * The PIIX4 power management function: PM timer, SCI, sleep states, ACPI mode switching.
 */
package org.quasivm.vmm.devices.acpi;
