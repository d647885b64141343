/**
 * The buses devices hang on. {@link org.quasivm.vmm.bus.IoBus} (the 64 KiB port space, one array slot per port)
 * and {@link org.quasivm.vmm.bus.MmioBus} (memory-mapped windows, binary search plus a last-hit cache) map
 * {@link org.quasivm.vmm.bus.BusDevice}s at ranges the board chooses; overlaps are refused (or, for windows the
 * guest places through PCI BARs, simply not decoded), and accesses to nothing read all ones and are counted in
 * {@link org.quasivm.vmm.bus.UnmappedAccesses}. Byte-wide ISA devices get wider accesses split into bytes.
 * Interrupts travel on {@link org.quasivm.vmm.bus.IrqLine}s; {@link org.quasivm.vmm.bus.WiredOrIrq} lets several
 * sources share an input.
 */
package org.quasivm.vmm.bus;
