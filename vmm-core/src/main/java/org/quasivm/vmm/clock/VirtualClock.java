package org.quasivm.vmm.clock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Guest time, in nanoseconds since power-on, and the deadlines devices schedule on it.
 *
 * <p>Devices never read the host clock or sleep: they read {@link #nanos()} and arm {@link ClockTimer}s; the run
 * loop asks for {@link #nextDeadline()}, lets the executor run until then and calls {@link #fireDue()}.
 *
 * <p>In {@link ClockMode#DETERMINISTIC} mode time is {@code instructions retired × nanosPerInstruction} plus the
 * idle intervals the run loop skips with {@link #skipTo} while the CPU halts, so a run is a pure function of the
 * guest and its inputs. In {@link ClockMode#REALTIME} mode it is the host's monotonic clock minus paused time.
 * Either way it never goes backwards.
 *
 * <p>VM thread only.
 */
public final class VirtualClock {

    /**
     * Guest instructions per guest second in deterministic mode, unless configured otherwise: 1 GHz, one instruction
     * per TSC cycle. A slower virtual CPU stretches every interrupts-off section of the guest in guest time; at
     * 100 MIPS Linux's crypto self-tests already lose timer ticks, and its clocksource watchdog then declares the
     * TSC unstable.
     */
    public static final long DEFAULT_INSTRUCTIONS_PER_SECOND = 1_000_000_000L;

    /** Most timer firings one {@link #fireDue()} performs: a device re-arming in the past cannot hang the loop. */
    static final int MAX_FIRINGS_PER_CALL = 10_000;

    private final ClockMode mode;
    private final LongSupplier hostNanos;
    private final long picosPerInstruction;
    private final List<ClockTimer> timerList = new ArrayList<>();
    private ClockTimer[] timers = new ClockTimer[0];

    private LongSupplier instructionsRetired = () -> 0;
    private long baseNanos;
    private long retiredAtBase;
    private long lastRetired;
    private long hostOrigin;
    private long pausedAtHost = -1;
    private long lastNanos;
    private long cachedNextDeadline = ClockTimer.IDLE;
    private boolean nextDeadlineStale;
    private long sliceEnd = NO_SLICE;
    private Runnable sliceCut = () -> { };

    /** {@link #sliceEnd} while no slice runs: no deadline is earlier, so nothing is cut. */
    private static final long NO_SLICE = Long.MIN_VALUE;

    /**
     * @param mode                  how time advances
     * @param instructionsPerSecond deterministic mode's rate (1 MHz .. 100 GHz); ignored in realtime mode
     * @param hostNanos             the host monotonic clock ({@code System::nanoTime}; tests pass a fake)
     */
    public VirtualClock(ClockMode mode, long instructionsPerSecond, LongSupplier hostNanos) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.hostNanos = Objects.requireNonNull(hostNanos, "hostNanos");
        if (instructionsPerSecond < 1_000_000L || instructionsPerSecond > 100_000_000_000L) {
            throw new IllegalArgumentException("instructions per second must be within 1e6..1e11: "
                    + instructionsPerSecond);
        }
        this.picosPerInstruction = Math.max(1, 1_000_000_000_000L / instructionsPerSecond);
        this.hostOrigin = hostNanos.getAsLong();
    }

    public static VirtualClock realtime() {
        return new VirtualClock(ClockMode.REALTIME, DEFAULT_INSTRUCTIONS_PER_SECOND, System::nanoTime);
    }

    public static VirtualClock deterministic() {
        return new VirtualClock(ClockMode.DETERMINISTIC, DEFAULT_INSTRUCTIONS_PER_SECOND, System::nanoTime);
    }

    public ClockMode mode() {
        return mode;
    }

    /** Where deterministic time comes from: the executor's {@code instructionsRetired()}. */
    public void attachInstructionCounter(LongSupplier retired) {
        long now = nanos();
        this.instructionsRetired = Objects.requireNonNull(retired, "retired");
        rebase(now);
    }

    /**
     * Call after the instruction counter restarted from zero (CPU reset, executor switch) so that guest time
     * continues from where it was instead of jumping back.
     */
    public void instructionCounterRestarted() {
        rebase(lastNanos);
    }

    private void rebase(long now) {
        baseNanos = now;
        retiredAtBase = instructionsRetired.getAsLong();
        lastRetired = retiredAtBase;
    }

    /** Guest nanoseconds since power-on. Monotonic. */
    public long nanos() {
        long now;
        if (mode == ClockMode.DETERMINISTIC) {
            long retired = instructionsRetired.getAsLong();
            if (retired < lastRetired) { // the counter restarted without telling us: continue from here
                retiredAtBase = retired;
                baseNanos = lastNanos;
            }
            lastRetired = retired;
            now = baseNanos + (retired - retiredAtBase) * picosPerInstruction / 1000;
        } else {
            long host = pausedAtHost >= 0 ? pausedAtHost : hostNanos.getAsLong();
            now = host - hostOrigin;
        }
        if (now < lastNanos) {
            return lastNanos;
        }
        lastNanos = now;
        return now;
    }

    /** Guest time in deterministic mode's instruction units: how many instructions cover {@code nanos}. */
    public long instructionsFor(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        long picos = nanos > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : nanos * 1000;
        return picos / picosPerInstruction + (picos % picosPerInstruction == 0 ? 0 : 1);
    }

    /** The guest time the executor's TSC derives from. */
    public long timeStampCounter() {
        return nanos(); // a 1 GHz TSC: Linux calibrates it against the PIT to exactly 1000 MHz
    }

    public ClockTimer newTimer(String name, DeadlineListener listener) {
        ClockTimer timer = new ClockTimer(this, Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(listener, "listener"));
        timerList.add(timer);
        timers = timerList.toArray(new ClockTimer[0]);
        return timer;
    }

    void deadlinesChanged(long newDeadline) {
        nextDeadlineStale = true;
        if (newDeadline < sliceEnd) {
            sliceEnd = NO_SLICE;
            sliceCut.run();
        }
    }

    /**
     * The run loop starts a slice planned to end at guest time {@code endNanos} (the next deadline, or
     * {@link Long#MAX_VALUE}). If the guest arms a timer for an earlier instant while the slice runs (Linux programs
     * its one-shot PIT tick from inside the slice), {@code cut} runs once, so the loop can end the slice early and
     * the timer fires on time instead of when the slice was planned to end.
     */
    public void sliceStarts(long endNanos, Runnable cut) {
        this.sliceCut = Objects.requireNonNull(cut, "cut");
        this.sliceEnd = endNanos;
    }

    /** The slice is over: arming timers (device callbacks between slices) cuts nothing. */
    public void sliceEnded() {
        sliceEnd = NO_SLICE;
    }

    /** The earliest armed deadline, or {@link Long#MAX_VALUE} when no timer is armed. */
    public long nextDeadline() {
        if (nextDeadlineStale) {
            long next = ClockTimer.IDLE;
            for (ClockTimer t : timers) {
                if (t.deadline < next) {
                    next = t.deadline;
                }
            }
            cachedNextDeadline = next;
            nextDeadlineStale = false;
        }
        return cachedNextDeadline;
    }

    /** Runs the listeners of every timer due now, earliest first. Returns how many fired. */
    public int fireDue() {
        int fired = 0;
        long now = nanos();
        while (fired < MAX_FIRINGS_PER_CALL && nextDeadline() <= now) {
            ClockTimer due = null;
            for (ClockTimer t : timers) {
                if (t.deadline <= now && (due == null || t.deadline < due.deadline)) {
                    due = t;
                }
            }
            if (due == null) {
                break;
            }
            long deadline = due.deadline;
            due.deadline = ClockTimer.IDLE;
            nextDeadlineStale = true;
            due.listener.deadlineReached(deadline);
            fired++;
            now = nanos();
        }
        return fired;
    }

    /**
     * The CPU is idle until {@code deadlineNanos}: in deterministic mode guest time jumps there (nothing can happen
     * in between that the guest could observe); in realtime mode the caller waits on the host instead.
     */
    public void skipTo(long deadlineNanos) {
        if (mode == ClockMode.DETERMINISTIC && deadlineNanos != ClockTimer.IDLE && deadlineNanos > nanos()) {
            rebase(deadlineNanos);
            lastNanos = deadlineNanos;
        }
    }

    /** Host nanoseconds until guest time reaches {@code deadlineNanos} in realtime mode (0 if due). */
    public long hostNanosUntil(long deadlineNanos) {
        if (deadlineNanos == ClockTimer.IDLE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, deadlineNanos - nanos());
    }

    /** Freezes realtime guest time (the VM is paused). */
    public void pause() {
        if (pausedAtHost < 0) {
            pausedAtHost = hostNanos.getAsLong();
        }
    }

    public void resume() {
        if (pausedAtHost >= 0) {
            hostOrigin += hostNanos.getAsLong() - pausedAtHost;
            pausedAtHost = -1;
        }
    }
}
