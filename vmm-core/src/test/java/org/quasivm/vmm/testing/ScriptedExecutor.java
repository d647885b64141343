package org.quasivm.vmm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Exit;
import org.quasivm.exec.Platform;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;

/**
 * A fake CPU that runs a script of port accesses, spins, halts and exits against the real board, so the run loop
 * and the devices are exercised through the same {@link Platform} a real executor uses. Interrupts are taken at
 * step boundaries while "IF" is set, recorded, and (by default) answered with an EOI as a handler would.
 */
public final class ScriptedExecutor implements Executor {

    public sealed interface Step { }

    public record Out(int port, int size, int value) implements Step { }

    public record In(int port, int size) implements Step { }

    /** Retires {@code instructions} instructions doing nothing observable. */
    public record Spin(long instructions) implements Step { }

    /** HLT: waits for an interrupt. */
    public record Halt() implements Step { }

    public record Cli() implements Step { }

    public record Sti() implements Step { }

    /** Jumps back to step {@code target} {@code times} more times. */
    public record Repeat(int target, int times) implements Step { }

    public record Shutdown(String reason) implements Step { }

    public record Fail(String message) implements Step { }

    public record Call(Consumer<ScriptedExecutor> action) implements Step { }

    /** An interrupt taken: vector and the instruction count when it happened. */
    public record Taken(int vector, long atInstruction) { }

    private final Platform platform;
    private final List<Step> script;
    private final int[] repeatsLeft;
    private int pc;
    private long retired;
    private long spinLeft = -1;
    private boolean interruptsEnabled = true;
    private boolean halted;
    private volatile boolean exitRequested;
    public boolean autoEoi = true;
    public final List<Integer> reads = new ArrayList<>();
    public final List<Taken> taken = new ArrayList<>();
    public int resets;
    public int mapChanges;
    public boolean a20 = true;
    public CpuState restored;
    public boolean closed;

    public ScriptedExecutor(Platform platform, List<Step> script) {
        this.platform = platform;
        this.script = List.copyOf(script);
        this.repeatsLeft = new int[script.size()];
        rearmRepeats();
    }

    private void rearmRepeats() {
        for (int i = 0; i < script.size(); i++) {
            repeatsLeft[i] = script.get(i) instanceof Repeat r ? r.times() : 0;
        }
    }

    public Platform platform() {
        return platform;
    }

    @Override
    public String name() {
        return "scripted";
    }

    private boolean takeInterrupt() {
        if (!interruptsEnabled || !platform.interrupts().hasInterrupt()) {
            return false;
        }
        int vector = platform.interrupts().acknowledge();
        taken.add(new Taken(vector, retired));
        retired++;
        halted = false;
        if (autoEoi) {
            if (vector >= 0x70 && vector < 0x78) {
                platform.ports().out(0xA0, 1, 0x20);
            }
            platform.ports().out(0x20, 1, 0x20);
        }
        return true;
    }

    @Override
    public Exit run(long budget) {
        long end = retired + budget;
        while (true) {
            if (exitRequested) {
                exitRequested = false;
                return Exit.EXIT_REQUESTED;
            }
            takeInterrupt();
            if (halted) {
                return Exit.HALTED;
            }
            if (retired >= end) {
                return Exit.BUDGET_EXHAUSTED;
            }
            if (pc >= script.size()) {
                halted = true; // the script ended: HLT forever
                interruptsEnabled = false;
                return Exit.HALTED;
            }
            Step step = script.get(pc);
            if (step instanceof Spin s) {
                if (spinLeft < 0) {
                    spinLeft = s.instructions();
                }
                long n = Math.min(spinLeft, end - retired);
                retired += n;
                spinLeft -= n;
                if (spinLeft == 0) {
                    spinLeft = -1;
                    pc++;
                }
                continue;
            }
            pc++;
            retired++;
            if (step instanceof Out o) {
                platform.ports().out(o.port(), o.size(), o.value());
            } else if (step instanceof In i) {
                reads.add(platform.ports().in(i.port(), i.size()));
            } else if (step instanceof Halt) {
                halted = true;
            } else if (step instanceof Cli) {
                interruptsEnabled = false;
            } else if (step instanceof Sti) {
                interruptsEnabled = true;
            } else if (step instanceof Repeat r) {
                int at = pc - 1;
                if (repeatsLeft[at] > 0) {
                    repeatsLeft[at]--;
                    pc = r.target();
                }
            } else if (step instanceof Shutdown s) {
                return new Exit.Shutdown(s.reason());
            } else if (step instanceof Fail f) {
                return new Exit.InternalError(f.message());
            } else if (step instanceof Call c) {
                c.action().accept(this);
            }
        }
    }

    @Override
    public void requestExit() {
        exitRequested = true;
    }

    @Override
    public void raiseNmi() {
    }

    @Override
    public void setA20(boolean enabled) {
        a20 = enabled;
    }

    @Override
    public void invalidateCode(long physicalAddress, long length) {
    }

    @Override
    public void memoryMapChanged() {
        mapChanges++;
    }

    @Override
    public void reset() {
        resets++;
        restored = null;
        retired = 0;
        pc = 0;
        spinLeft = -1;
        halted = false;
        interruptsEnabled = true;
        rearmRepeats();
    }

    public long retired() {
        return retired;
    }

    public static CpuState resetState(long retired) {
        SegmentState data = SegmentState.realMode(0);
        SegmentState cs = new SegmentState(0xF000, 0xFFFF_0000L, 0xFFFF, SegmentState.P | SegmentState.S | 0xB);
        SegmentState ldtr = new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0x2);
        SegmentState tr = new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0x3);
        return new CpuState(new long[16], 0xFFF0, 2, data, cs, data, data, data, data, ldtr, tr,
                new TableRegister(0, 0xFFFF), new TableRegister(0, 0xFFFF), 0x6000_0010L, 0, 0, 0, 0,
                new long[8], new TreeMap<>(), FpuState.powerOn(), false, 0, false, false, retired);
    }

    @Override
    public CpuState saveState() {
        return restored != null ? restored : resetState(retired);
    }

    @Override
    public void restoreState(CpuState state) {
        restored = state;
    }

    @Override
    public long instructionsRetired() {
        return retired;
    }

    @Override
    public void close() {
        closed = true;
    }
}
