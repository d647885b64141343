/**
 * The cascaded 8259A programmable interrupt controllers, the CPU's {@link org.quasivm.exec.InterruptSource}, with the
 * PIIX edge/level control registers.
 */
package org.quasivm.vmm.devices.pic;
