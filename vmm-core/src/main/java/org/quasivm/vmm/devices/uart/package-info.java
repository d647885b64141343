/**
 * The 16550A UART and its host ends: none, a file, standard I/O, a Unix socket; a transcript for scripts.
 */
package org.quasivm.vmm.devices.uart;
