/**
 * Port 80h POST codes and the 402h/E9h firmware debug console.
 */
package org.quasivm.vmm.devices.debug;
