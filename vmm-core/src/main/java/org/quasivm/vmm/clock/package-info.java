/**
 * Guest time. Devices read {@link org.quasivm.vmm.clock.VirtualClock#nanos()} and arm preallocated
 * {@link org.quasivm.vmm.clock.ClockTimer}s; they never read the host clock or sleep. In
 * {@link org.quasivm.vmm.clock.ClockMode#DETERMINISTIC} mode time is instructions retired × 1 ns (1 GIPS by
 * default) plus idle skips, so a run is reproducible bit for bit; in realtime mode it follows the host's monotonic
 * clock minus paused time. The guest TSC runs at 1 GHz of guest time.
 */
package org.quasivm.vmm.clock;
