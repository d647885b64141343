package org.quasivm.vmm.machine;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Exit;
import org.quasivm.exec.Platform;
import org.quasivm.exec.state.CpuState;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.clock.ClockTimer;
import org.quasivm.vmm.clock.VirtualClock;

/**
 * A running PC: the VM thread, its run loop and its life cycle, driven by typed commands (the model is
 * Firecracker's vcpu.rs). States go CREATED → RUNNING ⇄ PAUSED → STOPPED; a command that does not fit the current
 * state is refused with a reason, never half done.
 *
 * <p>The run loop gives the executor a budget up to the next device deadline, fires due timers, and handles each
 * {@link Exit}. HLT idles the host thread until the next deadline or an external event (deterministic mode skips
 * guest time to the deadline instead of waiting). Host threads (serial input, the console, commands) never touch
 * devices: they queue work and wake the VM thread.
 */
public final class Machine implements AutoCloseable {

    /** The longest slice a counting executor runs before the loop looks at commands and input again. */
    static final long MAX_SLICE_INSTRUCTIONS = 20_000_000L;
    static final long MAX_SLICE_NANOS = 10_000_000L;

    private sealed interface Pending permits Order, Query { }

    private record Order(MachineCommand command, CompletableFuture<MachineReply> reply) implements Pending { }

    private record Query<T>(Function<PcBoard, T> action, CompletableFuture<T> result) implements Pending { }

    private final PcBoard board;
    private volatile Executor executor;
    private final VirtualClock clock;
    private boolean counting;
    private final Thread vmThread;
    private final String name;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private DeadlineAlarm alarm;
    private volatile MachineState state = MachineState.CREATED;
    private volatile StopReason stopReason;
    private volatile Consumer<StopReason> onStop = r -> { };

    private final ClockTimer pauseTimer;
    private final Runnable cutSlice = () -> executor.requestExit();
    private boolean pauseDue;
    private int haltStreak;
    private long progressAtLastHalt = -1;
    private long resets;

    private Machine(PcBoard board, Function<Platform, Executor> executorFactory, String name) {
        this.board = board;
        this.name = name;
        this.clock = board.clock();
        this.executor = Objects.requireNonNull(executorFactory.apply(board.platform()), "executor");
        board.attach(executor);
        this.counting = executor.instructionsRetired() >= 0;
        if (!counting && clock.mode() == ClockMode.DETERMINISTIC) {
            executor.close();
            throw new IllegalArgumentException("the " + executor.name()
                    + " executor cannot count instructions, so it cannot run with the deterministic clock");
        }
        this.alarm = needsAlarm(counting) ? new DeadlineAlarm(executor, name + "-alarm") : null;
        this.pauseTimer = clock.newTimer("pause-at", deadline -> pauseDue = true);
        this.vmThread = new Thread(this::run, name);
    }

    /**
     * Builds the board and the executor (from {@code executorFactory}, given the board's {@link Platform}).
     *
     * @throws IOException when a configured file (CMOS, serial log...) cannot be used
     */
    public static Machine create(BoardConfig config, Function<Platform, Executor> executorFactory, String name)
            throws IOException {
        PcBoard board = new PcBoard(config);
        try {
            return new Machine(board, executorFactory, "vm-" + name);
        } catch (RuntimeException e) {
            board.close();
            throw e;
        }
    }

    // ---- the API (any thread)

    /** Powers on: the VM thread starts running the guest. */
    public synchronized void start() {
        if (state != MachineState.CREATED) {
            throw new IllegalStateException("machine already started (" + state + ")");
        }
        setState(MachineState.RUNNING);
        vmThread.start();
    }

    public MachineState state() {
        return state;
    }

    /** The board, for what is safe from any thread ({@link PcBoard#input()}); device state: {@link #inspect}. */
    public PcBoard board() {
        return board;
    }

    public String executorName() {
        return executor.name();
    }

    /**
     * Sends a command; the future completes on the VM thread (or at once, refused, if the machine is stopped). A
     * command sent before {@link #start} is served before the first instruction.
     */
    public CompletableFuture<MachineReply> submit(MachineCommand command) {
        Objects.requireNonNull(command, "command");
        CompletableFuture<MachineReply> reply = new CompletableFuture<>();
        if (command instanceof MachineCommand.Inspect<?> inspect) {
            inspect(inspect.action()).whenComplete((v, e) -> {
                if (e != null) {
                    reply.completeExceptionally(e);
                } else {
                    reply.complete(new MachineReply.Value<>(v));
                }
            });
            return reply;
        }
        enqueue(new Order(command, reply), reply, new MachineReply.Refused("machine is " + state()));
        return reply;
    }

    public CompletableFuture<MachineReply> pause() {
        return submit(MachineCommand.PAUSE);
    }

    public CompletableFuture<MachineReply> resume() {
        return submit(MachineCommand.RESUME);
    }

    public CompletableFuture<MachineReply> reset() {
        return submit(MachineCommand.RESET);
    }

    public CompletableFuture<MachineReply> powerOff() {
        return submit(MachineCommand.POWER_OFF);
    }

    public CompletableFuture<MachineReply> pressPowerButton() {
        return submit(MachineCommand.PRESS_POWER_BUTTON);
    }

    /** Runs {@code action} on the VM thread between slices (screenshots, device inspection). */
    public <T> CompletableFuture<T> inspect(Function<PcBoard, T> action) {
        Objects.requireNonNull(action, "action");
        CompletableFuture<T> result = new CompletableFuture<>();
        if (state == MachineState.CREATED || state == MachineState.STOPPED) {
            // nothing runs: the board is quiescent and safe to look at from here
            try {
                result.complete(action.apply(board));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
            return result;
        }
        enqueue(new Query<>(action, result), null, null);
        return result;
    }

    private void enqueue(Pending p, CompletableFuture<MachineReply> reply, MachineReply refusal) {
        synchronized (this) {
            // Before start, a command waits and is served before the first instruction (e.g. PauseAt, which the
            // guest might otherwise run past before the VM thread sees it); once stopped, it is refused.
            if (state == MachineState.STOPPED) {
                if (reply != null) {
                    reply.complete(refusal);
                }
                return;
            }
            queue.add(p);
        }
        wake();
    }

    /** Wakes the VM thread (host input arrived, a command is waiting). Any thread. */
    void wake() {
        wakePending.set(true);
        executor.requestExit();
        LockSupport.unpark(vmThread);
    }

    /**
     * Moves the running guest to another executor between two slices: the CPU's architectural state goes from the
     * old executor to the new one, built on the same {@link Platform} (so RAM, ROM and every device stay as they
     * are), and the old one is closed. The future completes with the new executor's name, or exceptionally (and the
     * old executor keeps running) when the new one cannot be built or cannot serve this machine's clock.
     */
    public CompletableFuture<String> switchExecutor(Function<Platform, Executor> executorFactory) {
        Objects.requireNonNull(executorFactory, "executorFactory");
        return inspect(b -> {
            Executor old = executor;
            CpuState cpu = old.saveState();
            Executor next = Objects.requireNonNull(executorFactory.apply(board.platform()), "executor");
            boolean nextCounting = next.instructionsRetired() >= 0;
            if (!nextCounting && clock.mode() == ClockMode.DETERMINISTIC) {
                next.close();
                throw new IllegalArgumentException("the " + next.name()
                        + " executor cannot count instructions, so it cannot run with the deterministic clock");
            }
            try {
                next.reset();
                next.restoreState(cpu);
            } catch (RuntimeException e) {
                next.close();
                throw e;
            }
            board.attach(next); // also re-bases guest time on the new instruction counter, so it does not jump
            executor = next;
            counting = nextCounting;
            if (alarm != null) {
                alarm.close();
            }
            alarm = needsAlarm(counting) ? new DeadlineAlarm(next, name + "-alarm") : null;
            haltStreak = 0;
            progressAtLastHalt = -1;
            old.close();
            return next.name();
        });
    }

    /** The CPU's architectural state, taken on the VM thread between slices (diagnostics, snapshots). */
    public CompletableFuture<CpuState> cpuState() {
        return inspect(b -> executor.saveState());
    }

    /** Waits until the machine stops; empty on timeout. */
    public Optional<StopReason> awaitStop(Duration timeout) throws InterruptedException {
        if (stoppedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return Optional.of(stopReason);
        }
        return Optional.empty();
    }

    /** Why the machine stopped, once it has. */
    public Optional<StopReason> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    /** Called once, on the VM thread, when the machine stops. */
    public void onStop(Consumer<StopReason> listener) {
        this.onStop = Objects.requireNonNull(listener, "listener");
    }

    /** Machine resets so far (guest- or host-initiated, triple faults). */
    public long resets() {
        return resets;
    }

    /** Powers off (if running) and waits for the VM thread to finish (an interrupt is kept for the caller). */
    @Override
    public void close() {
        if (state == MachineState.CREATED) {
            synchronized (this) {
                setState(MachineState.STOPPED);
            }
            stopReason = new StopReason(StopReason.Kind.HOST_POWER_OFF, "closed before start", null);
            try {
                board.close();
            } finally {
                executor.close();
                refuseWaitingCommands();
                stoppedLatch.countDown();
            }
            return;
        }
        powerOff();
        boolean interrupted = false;
        while (true) {
            try {
                stoppedLatch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the VM thread

    private void run() {
        try {
            board.startHostIo(this::wake);
            powerOnCpu();
            while (state != MachineState.STOPPED) {
                serveCommands();
                if (state != MachineState.RUNNING) {
                    continue;
                }
                if (board.takePowerOffRequest()) {
                    stop(new StopReason(StopReason.Kind.GUEST_POWER_OFF, "the guest powered off", null));
                    break;
                }
                if (board.takeResetRequest()) {
                    machineReset();
                }
                board.deliverHostInput();
                clock.fireDue();
                if (pauseDue) {
                    pauseDue = false;
                    clock.pause();
                    setState(MachineState.PAUSED);
                    continue;
                }
                Exit exit = executor.run(budget());
                clock.sliceEnded();
                if (alarm != null) {
                    alarm.arm(Long.MAX_VALUE); // the slice is over: no exit request left behind for the next one
                }
                board.flushOutput();
                handle(exit);
            }
        } catch (Throwable t) {
            stop(new StopReason(StopReason.Kind.FAILURE, String.valueOf(t), t));
        } finally {
            finish();
        }
    }

    private void powerOnCpu() {
        executor.reset();
        clock.instructionCounterRestarted();
        board.bootState(executor.saveState()).ifPresent(executor::restoreState);
    }

    private void machineReset() {
        resets++;
        executor.reset();
        clock.instructionCounterRestarted();
        board.resetDevices();
        board.bootState(executor.saveState()).ifPresent(executor::restoreState);
        haltStreak = 0;
    }

    /**
     * Realtime slices end on host time, through an alarm thread that asks the executor to exit when the next device
     * deadline is due: an executor that cannot count instructions (KVM) has no other way, and one that can would
     * have to guess its speed, which varies several-fold over a boot (an instruction budget sized by a moving
     * average made timers fire 5-10 ms late). Deterministic slices end on instruction counts and need no alarm.
     */
    private boolean needsAlarm(boolean countingExecutor) {
        return !countingExecutor || clock.mode() == ClockMode.REALTIME;
    }

    /** How far the executor may run: to the next deadline, bounded so commands are seen regularly. */
    private long budget() {
        long deadline = clock.nextDeadline();
        clock.sliceStarts(deadline, cutSlice);
        if (alarm != null) {
            long hostNow = System.nanoTime();
            alarm.arm(deadline == Long.MAX_VALUE ? hostNow + MAX_SLICE_NANOS
                    : hostNow + Math.min(MAX_SLICE_NANOS, clock.hostNanosUntil(deadline)));
            return counting ? MAX_SLICE_INSTRUCTIONS : Long.MAX_VALUE;
        }
        if (deadline == Long.MAX_VALUE) {
            return MAX_SLICE_INSTRUCTIONS;
        }
        return Math.max(1, Math.min(MAX_SLICE_INSTRUCTIONS, clock.instructionsFor(deadline - clock.nanos())));
    }

    private void handle(Exit exit) {
        if (exit instanceof Exit.BudgetExhausted || exit instanceof Exit.ExitRequested) {
            haltStreak = 0;
        } else if (exit instanceof Exit.Halted) {
            idle();
        } else if (exit instanceof Exit.Shutdown shutdown) {
            if (board.config().resetOnTripleFault()) {
                machineReset();
            } else {
                stop(new StopReason(StopReason.Kind.CPU_SHUTDOWN, shutdown.reason(), null));
            }
        } else if (exit instanceof Exit.InternalError error) {
            stop(new StopReason(StopReason.Kind.EXECUTOR_ERROR, error.message() + " [" + executor.saveState()
                    + "]", null));
        } else {
            throw new IllegalStateException("unknown executor exit " + exit);
        }
    }

    /**
     * The CPU halted. If an interrupt is pending and the CPU made progress since it last halted (it ran, or took an
     * interrupt), let the executor take it: it may be masked (IF clear), which the next halt shows as no progress.
     * Progress is counted in instructions where the executor counts them, else in interrupts acknowledged (KVM).
     * Otherwise wait for the next deadline or an external event.
     */
    private void idle() {
        haltStreak++;
        long retired = counting ? executor.instructionsRetired() : board.pic().acknowledged();
        boolean progress = haltStreak == 1 || retired != progressAtLastHalt;
        progressAtLastHalt = retired;
        boolean interruptPending = board.pic().hasInterrupt();
        if (interruptPending && progress) {
            return;
        }
        if (interruptPending) {
            // halted with interrupts disabled (cli; hlt): only the host can change anything now
            board.flushOutput();
            while (!wakePending.getAndSet(false)) {
                LockSupport.parkNanos(this, 1_000_000_000L);
            }
            haltStreak = 0;
            return;
        }
        long deadline = clock.nextDeadline();
        if (clock.mode() == ClockMode.DETERMINISTIC && deadline != Long.MAX_VALUE) {
            clock.skipTo(deadline);
        } else {
            long wait = clock.hostNanosUntil(deadline);
            board.flushOutput();
            while (!wakePending.getAndSet(false) && wait > 0 && clock.hostNanosUntil(deadline) > 0) {
                LockSupport.parkNanos(this, Math.min(wait, 1_000_000_000L));
                wait = clock.hostNanosUntil(deadline);
            }
        }
        haltStreak = 0;
    }

    private void serveCommands() throws InterruptedException {
        Pending p = state == MachineState.PAUSED ? queue.poll(1, TimeUnit.SECONDS) : queue.poll();
        while (p != null) {
            serve(p);
            if (state == MachineState.STOPPED) {
                return;
            }
            p = queue.poll();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void serve(Pending p) {
        if (p instanceof Query q) {
            try {
                q.result().complete(q.action().apply(board));
            } catch (RuntimeException e) {
                q.result().completeExceptionally(e);
            }
            return;
        }
        Order order = (Order) p;
        order.reply().complete(apply(order.command()));
    }

    private MachineReply apply(MachineCommand command) {
        if (command instanceof MachineCommand.Pause) {
            if (state != MachineState.RUNNING) {
                return new MachineReply.Refused("cannot pause: machine is " + state);
            }
            clock.pause();
            setState(MachineState.PAUSED);
        } else if (command instanceof MachineCommand.Resume) {
            if (state != MachineState.PAUSED) {
                return new MachineReply.Refused("cannot resume: machine is " + state);
            }
            clock.resume();
            setState(MachineState.RUNNING);
        } else if (command instanceof MachineCommand.PauseAt at) {
            if (state == MachineState.RUNNING && at.guestNanos() <= clock.nanos()) {
                clock.pause();
                setState(MachineState.PAUSED);
            } else {
                pauseTimer.schedule(at.guestNanos());
            }
        } else if (command instanceof MachineCommand.Reset) {
            machineReset();
        } else if (command instanceof MachineCommand.PowerOff) {
            stop(new StopReason(StopReason.Kind.HOST_POWER_OFF, "powered off by the host", null));
        } else if (command instanceof MachineCommand.PressPowerButton) {
            board.powerManagement().pressPowerButton();
        } else {
            return new MachineReply.Refused("unknown command " + command);
        }
        return new MachineReply.Done(state);
    }

    private void stop(StopReason reason) {
        synchronized (this) {
            if (stopReason == null) {
                stopReason = reason;
            }
        }
        setState(MachineState.STOPPED);
    }

    private synchronized void setState(MachineState next) {
        state = next;
        notifyAll();
    }

    /** Waits until the machine is in {@code wanted} (or stopped); returns whether it got there in time. */
    public synchronized boolean awaitState(MachineState wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state != wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || state == MachineState.STOPPED) {
                return state == wanted;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private void refuseWaitingCommands() {
        Pending left;
        while ((left = queue.poll()) != null) {
            if (left instanceof Order o) {
                o.reply().complete(new MachineReply.Refused("machine is STOPPED"));
            } else if (left instanceof Query<?> q) {
                q.result().completeExceptionally(new IllegalStateException("machine is STOPPED"));
            }
        }
    }

    private void finish() {
        refuseWaitingCommands();
        try {
            board.close();
        } catch (RuntimeException e) {
            if (stopReason == null) {
                stopReason = new StopReason(StopReason.Kind.FAILURE, String.valueOf(e), e);
            }
        } finally {
            if (alarm != null) {
                alarm.close();
            }
            executor.close();
            if (stopReason == null) {
                stopReason = new StopReason(StopReason.Kind.FAILURE, "VM thread ended", null);
            }
            setState(MachineState.STOPPED);
            stoppedLatch.countDown();
            onStop.accept(stopReason);
        }
    }
}
