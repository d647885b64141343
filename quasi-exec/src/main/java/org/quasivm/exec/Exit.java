package org.quasivm.exec;

/**
 * Why {@link Executor#run} returned. The run loop handles these with an exhaustive switch.
 *
 * <p>The field-less exits are singletons so that the hot run loop allocates nothing.
 */
public sealed interface Exit {

    Halted HALTED = new Halted();
    BudgetExhausted BUDGET_EXHAUSTED = new BudgetExhausted();
    ExitRequested EXIT_REQUESTED = new ExitRequested();

    /** HLT executed; the CPU waits for an interrupt (or NMI/reset). */
    record Halted() implements Exit { }

    /** The instruction budget given to {@link Executor#run} is used up. */
    record BudgetExhausted() implements Exit { }

    /** {@link Executor#requestExit()} was called. */
    record ExitRequested() implements Exit { }

    /** The CPU shut down (triple fault, or a shutdown reported by KVM); the machine resets or powers off. */
    record Shutdown(String reason) implements Exit { }

    /**
     * The executor cannot continue: a KVM internal error or entry failure, or guest state this executor does not
     * implement. The message names the cause; the run loop reports it with {@link Executor#saveState()}.
     */
    record InternalError(String message) implements Exit { }
}
