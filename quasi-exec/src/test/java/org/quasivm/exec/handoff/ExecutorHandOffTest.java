package org.quasivm.exec.handoff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quasivm.exec.Executor;
import org.quasivm.exec.Exit;
import org.quasivm.exec.Platform;
import org.quasivm.exec.cpu.SoftwareExecutor;
import org.quasivm.exec.kvm.KvmExecutor;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.testing.Nasm;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;

/**
 * Pause a guest under one executor, hand its CPU state and RAM to another, continue: the output must be that of an
 * uninterrupted run, and every executor must end in the same architectural state.
 * Every pair runs: KVM → software, software → KVM, and each executor to itself.
 */
class ExecutorHandOffTest {

    private static final String GUEST = "handoff-guests/count-rom.asm";
    private static final long BUDGET = 1_000_000;

    static Map<String, Function<Platform, Executor>> executors() {
        Map<String, Function<Platform, Executor>> all = new LinkedHashMap<>();
        all.put("kvm", KvmExecutor::new);
        all.put("software", SoftwareExecutor::new);
        return all;
    }

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (String from : executors().keySet()) {
            for (String to : executors().keySet()) {
                for (char pauseAfter : new char[] {'0', '4', '9'}) {
                    pairs.add(Arguments.of(from, to, pauseAfter));
                }
            }
        }
        return pairs.stream();
    }

    static Stream<String> names() {
        return executors().keySet().stream();
    }

    @ParameterizedTest(name = "{0} -> {1}, paused after ''{2}''")
    @MethodSource("pairs")
    void pausedGuestContinuesElsewhereWithTheSameOutput(String from, String to, char pauseAfter) {
        byte[] firmware = Nasm.assemble(GUEST);
        String expected = uninterrupted(to, firmware).console;
        RomMachine first = new RomMachine(firmware);
        CpuState paused;
        try (Executor a = create(from, first)) {
            first.onConsole = c -> {
                if (c == pauseAfter) {
                    a.requestExit();
                }
            };
            assertEquals(Exit.EXIT_REQUESTED, runUntilStop(a));
            paused = a.saveState();
        }
        RomMachine second = first.copy(firmware);
        try (Executor b = create(to, second)) {
            b.restoreState(paused);
            assertEquals(Exit.HALTED, runUntilStop(b));
            assertEquals(expected, first.console.toString() + second.console);
            assertArchitecturallyEqual(uninterrupted(to, firmware).state, b.saveState());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void everyExecutorEndsInTheSameStateAsTheFirst(String name) {
        byte[] firmware = Nasm.assemble(GUEST);
        String reference = executors().keySet().iterator().next();
        Result ref = uninterrupted(reference, firmware);
        Result r = uninterrupted(name, firmware);
        assertEquals(ref.console, r.console);
        assertArchitecturallyEqual(ref.state, r.state);
    }

    private record Result(String console, CpuState state) {
    }

    private static Result uninterrupted(String name, byte[] firmware) {
        RomMachine m = new RomMachine(firmware);
        try (Executor e = create(name, m)) {
            assertEquals(Exit.HALTED, runUntilStop(e));
            return new Result(m.console.toString(), e.saveState());
        }
    }

    private static Executor create(String name, RomMachine machine) {
        try {
            return executors().get(name).apply(machine.platform());
        } catch (KvmUnavailableException e) {
            assumeTrue(false, "KVM tests skipped: " + e.getMessage());
            throw e;
        }
    }

    private static Exit runUntilStop(Executor e) {
        Exit exit;
        do {
            exit = e.run(BUDGET);
        } while (exit == Exit.BUDGET_EXHAUSTED);
        return exit;
    }

    /**
     * What every executor must agree on: registers, segments, control registers, halt state. Not compared: the TSC
     * (it runs), MSR sets and x87 pointers (executors keep different ones), the instruction count (-1 under KVM).
     */
    private static void assertArchitecturallyEqual(CpuState expected, CpuState actual) {
        assertArrayEquals(expected.gprs(), actual.gprs(), "general registers");
        assertEquals(expected.rip(), actual.rip(), "rip");
        assertEquals(expected.rflags(), actual.rflags(), "rflags");
        assertEquals(expected.cs(), actual.cs(), "cs");
        assertEquals(expected.ds(), actual.ds(), "ds");
        assertEquals(expected.ss(), actual.ss(), "ss");
        assertEquals(expected.es(), actual.es(), "es");
        assertEquals(expected.cr0(), actual.cr0(), "cr0");
        assertEquals(expected.halted(), actual.halted(), "halted");
        assertEquals(expected.fpu().controlWord(), actual.fpu().controlWord(), "fcw");
    }
}
