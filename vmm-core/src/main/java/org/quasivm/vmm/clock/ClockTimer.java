package org.quasivm.vmm.clock;

/**
 * One device deadline on the {@link VirtualClock}. A device creates its timers once (no allocation per schedule)
 * and arms or cancels them as its registers change.
 */
public final class ClockTimer {

    static final long IDLE = Long.MAX_VALUE;

    private final VirtualClock clock;
    private final String name;
    final DeadlineListener listener;
    long deadline = IDLE;

    ClockTimer(VirtualClock clock, String name, DeadlineListener listener) {
        this.clock = clock;
        this.name = name;
        this.listener = listener;
    }

    /** Arms the timer for guest time {@code deadlineNanos} (replacing any earlier arming). */
    public void schedule(long deadlineNanos) {
        deadline = deadlineNanos == IDLE ? IDLE - 1 : deadlineNanos;
        clock.deadlinesChanged(deadline);
    }

    /** Arms the timer {@code delayNanos} from now. */
    public void scheduleIn(long delayNanos) {
        schedule(clock.nanos() + Math.max(0, delayNanos));
    }

    public void cancel() {
        if (deadline != IDLE) {
            deadline = IDLE;
            clock.deadlinesChanged(IDLE);
        }
    }

    public boolean isArmed() {
        return deadline != IDLE;
    }

    /** The armed deadline, or {@link Long#MAX_VALUE}. */
    public long deadline() {
        return deadline;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + (isArmed() ? " @" + deadline : " idle");
    }
}
