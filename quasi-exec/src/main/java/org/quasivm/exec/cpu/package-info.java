/**
 * The software x86 CPU: an i686 interpreter behind {@link org.quasivm.exec.Executor} ({@link
 * org.quasivm.exec.cpu.SoftwareExecutor}).
 *
 * <p>One object, split by concern over a chain of classes so the hot loop reaches everything through {@code this}:
 * {@code CpuCore} (registers, lazy flags) → {@code CpuMemory} (segment checks, TLB fast path, paging slow path) →
 * {@code CpuSegments} (descriptors, segment loads, stack) → {@code CpuTransfers} (far transfers, IRET, interrupt
 * and exception delivery, task switches) → {@code CpuSystem} (CR/DR/MSR, CPUID, I/O permission, RESET) →
 * {@code CpuArithmetic} → {@code CpuStrings} (REP) → {@code CpuOperands} (ModRM forms) → {@code CpuInstructions}
 * (stack, control flow, system, x87) → {@code Interpreter} (code fetch, blocks, dispatch) → {@code SoftwareExecutor}
 * (run loop, events, state).
 *
 * <p>Speed design: decoded blocks cached per physical page ({@link org.quasivm.exec.decode}), found through block
 * links, a jump cache keyed by (EIP, fetch epoch), or the TLB; dispatch is a switch over dense op ids with
 * specialised forms for hot 32-bit instructions; flags are lazy; memory accesses are one segment compare, one TLB
 * tag compare and a direct-buffer access; the run loop polls the interrupt controller only after events that can
 * change INTR. Faults are exceptions (one preallocated instance) caught at the instruction boundary, where EIP rolls
 * back; instructions commit state only after their last access that can fault.
 *
 * <p>Not implemented (and not advertised in CPUID): PAE, NX, PSE-36, VME/PVI, MMX, SSE, SMM, machine checks,
 * debug-register breakpoints (DR0-DR7 are stored; single-step traps work), the TSS T-bit trap.
 */
package org.quasivm.exec.cpu;
