/**
 * The 8254 programmable interval timer, computed from guest time: counter 0 drives IRQ 0, counter 2 the speaker
 * and port 61h.
 */
package org.quasivm.vmm.devices.pit;
