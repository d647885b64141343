/**
 * The MC146818 real-time clock and CMOS RAM, and the per-VM CMOS file that keeps the battery-backed bytes and
 * the guest's clock offset between runs.
 */
package org.quasivm.vmm.devices.rtc;
