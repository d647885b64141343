package org.quasivm.exec;

import org.quasivm.exec.state.CpuState;

/**
 * A virtual CPU: runs guest code on a fast path until something needs the monitor.
 *
 * <p>Port I/O and MMIO do not return from {@link #run}: they trap synchronously into the machine through the
 * {@link Platform} the executor was built with ({@link PortIo}, {@link PhysicalMemory}), and the instruction completes
 * with the device's answer — the way Bochs and QEMU's TCG do it, and the cheapest for the software executor (no exit
 * record, no restart). {@code run} returns an {@link Exit} only for what the run loop must decide: halt, shutdown,
 * budget, a request from another thread, an internal error.
 *
 * <p>All methods except {@link #requestExit()} are called on the VM thread.
 */
public interface Executor extends AutoCloseable {

    /** Short name for logs and the CLI: {@code software}, {@code kvm}. */
    String name();

    /**
     * Runs guest code until an exit. At most {@code instructionBudget} instructions retire before
     * {@link Exit.BudgetExhausted} (executors that cannot count instructions, like KVM, treat it as a hint and
     * return when the machine's next timer deadline is due through {@link #requestExit()}).
     */
    Exit run(long instructionBudget);

    /** Makes a {@link #run} in progress return {@link Exit.ExitRequested} soon. Safe to call from any thread. */
    void requestExit();

    /** Raises the NMI pin (edge): delivered at the next instruction boundary unless NMIs are blocked. */
    void raiseNmi();

    /** Sets the A20 gate: when off, physical address bit 20 is forced to zero (8086 wrap-around). */
    void setA20(boolean enabled);

    /**
     * Tells the executor that guest memory in [address, address+length) changed behind its back (DMA, a device
     * writing RAM, a snapshot restore), so any code it decoded or translated from it must be dropped.
     */
    void invalidateCode(long physicalAddress, long length);

    /** The machine's memory map changed (PAM shadowing, a PCI BAR moved): cached translations must be re-read. */
    void memoryMapChanged();

    /** Puts the CPU into its power-on RESET state (Intel SDM vol. 3, 9.1.1). */
    void reset();

    /** Architectural state, for snapshots and for handing a running guest from one executor to another. */
    CpuState saveState();

    /** Loads architectural state; the state is validated first (a snapshot file is untrusted input). */
    void restoreState(CpuState state);

    /**
     * Instructions retired since reset (a REP string iteration counts as one). Accurate during device callbacks,
     * so the deterministic clock can read guest time in the middle of a {@link #run}. Executors that cannot count
     * return -1.
     */
    long instructionsRetired();

    @Override
    void close();
}
