package org.quasivm.vmm.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class VirtualClockTest {

    private long retired;
    private long host;

    private VirtualClock deterministic() {
        VirtualClock clock = new VirtualClock(ClockMode.DETERMINISTIC, 100_000_000L, () -> host);
        clock.attachInstructionCounter(() -> retired);
        return clock;
    }

    @Test
    void deterministicTimeIsInstructionsTimesPeriod() {
        VirtualClock clock = deterministic();
        retired = 1_000;
        assertEquals(10_000, clock.nanos());
        host += 5_000_000_000L;
        assertEquals(10_000, clock.nanos());
    }

    @Test
    void instructionsForRoundsUp() {
        VirtualClock clock = deterministic();
        assertEquals(1, clock.instructionsFor(1));
        assertEquals(1, clock.instructionsFor(10));
        assertEquals(2, clock.instructionsFor(11));
        assertEquals(0, clock.instructionsFor(0));
    }

    @Test
    void skipToJumpsDeterministicTimeForward() {
        VirtualClock clock = deterministic();
        retired = 100;
        clock.skipTo(1_000_000);
        assertEquals(1_000_000, clock.nanos());
        retired = 200;
        assertEquals(1_001_000, clock.nanos());
    }

    @Test
    void timeContinuesAfterTheCounterRestarts() {
        VirtualClock clock = deterministic();
        retired = 5_000;
        assertEquals(50_000, clock.nanos());
        retired = 0;
        clock.instructionCounterRestarted();
        assertEquals(50_000, clock.nanos());
        retired = 10;
        assertEquals(50_100, clock.nanos());
    }

    @Test
    void timeNeverGoesBackwardsEvenIfTheCounterResetsUnannounced() {
        VirtualClock clock = deterministic();
        retired = 5_000;
        clock.nanos();
        retired = 3;
        assertEquals(50_000, clock.nanos());
        retired = 13;
        assertEquals(50_100, clock.nanos());
    }

    @Test
    void realtimeFollowsHostAndStopsWhilePaused() {
        host = 1_000;
        VirtualClock clock = new VirtualClock(ClockMode.REALTIME, 100_000_000L, () -> host);
        host += 500;
        assertEquals(500, clock.nanos());
        clock.pause();
        host += 10_000;
        assertEquals(500, clock.nanos());
        clock.resume();
        host += 100;
        assertEquals(600, clock.nanos());
    }

    @Test
    void timersFireInDeadlineOrderWithTheirScheduledDeadline() {
        VirtualClock clock = deterministic();
        List<String> fired = new ArrayList<>();
        ClockTimer a = clock.newTimer("a", d -> fired.add("a@" + d));
        ClockTimer b = clock.newTimer("b", d -> fired.add("b@" + d));
        a.schedule(300);
        b.schedule(200);
        assertEquals(200, clock.nextDeadline());
        retired = 100; // 1000 ns
        assertEquals(2, clock.fireDue());
        assertEquals(List.of("b@200", "a@300"), fired);
        assertEquals(Long.MAX_VALUE, clock.nextDeadline());
        assertFalse(a.isArmed());
    }

    @Test
    void timerNotYetDueDoesNotFire() {
        VirtualClock clock = deterministic();
        ClockTimer t = clock.newTimer("t", d -> { });
        t.schedule(1_000);
        retired = 99;
        assertEquals(0, clock.fireDue());
        assertTrue(t.isArmed());
    }

    @Test
    void timerReArmingInThePastCannotHangTheLoop() {
        VirtualClock clock = deterministic();
        ClockTimer[] self = new ClockTimer[1];
        self[0] = clock.newTimer("storm", d -> self[0].schedule(d));
        self[0].schedule(0);
        assertEquals(VirtualClock.MAX_FIRINGS_PER_CALL, clock.fireDue());
    }

    @Test
    void cancelledTimerDoesNotFire() {
        VirtualClock clock = deterministic();
        int[] count = {0};
        ClockTimer t = clock.newTimer("t", d -> count[0]++);
        t.schedule(10);
        t.cancel();
        retired = 1_000;
        clock.fireDue();
        assertEquals(0, count[0]);
    }

    private final VirtualClock slicing = deterministic();
    private int cuts;

    /** A slice planned to end at {@code end} on {@link #slicing}, counting its cuts in {@link #cuts}. */
    private void sliceUntil(long end) {
        slicing.sliceStarts(end, () -> cuts++);
    }

    @Test
    void aTimerArmedBeforeTheSlicesPlannedEndCutsTheSliceOnce() {
        ClockTimer a = slicing.newTimer("a", d -> { });
        ClockTimer b = slicing.newTimer("b", d -> { });
        sliceUntil(1_000);
        a.schedule(2_000);
        assertEquals(0, cuts);
        a.schedule(500);
        assertEquals(1, cuts);
        b.schedule(400);
        assertEquals(1, cuts);
    }

    @Test
    void timersArmedBetweenSlicesCutNothing() {
        ClockTimer a = slicing.newTimer("a", d -> { });
        sliceUntil(Long.MAX_VALUE);
        slicing.sliceEnded();
        a.schedule(10);
        a.cancel();
        assertEquals(0, cuts);
    }

    @Test
    void aSliceWithNoDeadlineIsCutByTheFirstTimerArmed() {
        ClockTimer a = slicing.newTimer("a", d -> { });
        sliceUntil(Long.MAX_VALUE);
        a.cancel();
        assertEquals(0, cuts);
        a.schedule(1_000_000_000L);
        assertEquals(1, cuts);
    }
}
