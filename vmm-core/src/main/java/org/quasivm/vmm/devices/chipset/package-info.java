/**
 * Small chipset registers: ports 61h and 92h, the CF9h reset control, the A20 gate, reset and power-off lines.
 */
package org.quasivm.vmm.devices.chipset;
