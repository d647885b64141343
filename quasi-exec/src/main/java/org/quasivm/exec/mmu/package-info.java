/**
 * Memory management for the software CPU: the software TLB as parallel arrays with per-privilege fast tags
 * ({@link org.quasivm.exec.mmu.Tlb}), the two-level page walker with 4 MiB pages, global pages, WP and
 * accessed/dirty bits ({@link org.quasivm.exec.mmu.PageWalker}), and guest-physical access with A20 and MMIO
 * routing ({@link org.quasivm.exec.mmu.PhysicalBus}).
 */
package org.quasivm.exec.mmu;
