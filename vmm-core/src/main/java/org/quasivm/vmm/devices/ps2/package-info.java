/**
 * The i8042 keyboard controller, a PS/2 keyboard (sets 1 and 2, translation) and an IntelliMouse.
 */
package org.quasivm.vmm.devices.ps2;
