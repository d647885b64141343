package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.TreeMap;

import org.quasivm.exec.testing.Nasm;
import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;

/** Builds executors for tests, skipping (with the reason) only when this host has no usable KVM. */
final class KvmTestSupport {

    private KvmTestSupport() {
    }

    static KvmExecutor executorOrSkip(TestMachine machine) {
        try {
            return new KvmExecutor(machine.platform());
        } catch (KvmUnavailableException e) {
            assumeTrue(false, "KVM tests skipped: " + e.getMessage());
            throw e;
        }
    }

    /** An executor already at 0000:1000 in real mode with {@code guest} loaded there. */
    static KvmExecutor realModeGuest(TestMachine machine, String guest) {
        machine.load(0x1000, Nasm.assemble("kvm-guests/" + guest));
        KvmExecutor kvm = executorOrSkip(machine);
        kvm.restoreState(realModeAt(0x1000));
        return kvm;
    }

    /** Flat 4 GiB code and data segments (selectors 8 and 10h), CR0.PE, no paging. */
    static CpuState flatProtectedModeAt(long ip, TableRegister idtr) {
        CpuState real = realModeAt(ip);
        SegmentState code = new SegmentState(8, 0, 0xFFFF_FFFF, SegmentState.P | SegmentState.S | SegmentState.DB
                | SegmentState.G | 0xB);
        SegmentState data = new SegmentState(0x10, 0, 0xFFFF_FFFF, SegmentState.P | SegmentState.S
                | SegmentState.DB | SegmentState.G | 0x3);
        return new CpuState(real.gprs(), ip, 2, data, code, data, data, data, data, real.ldtr(), real.tr(),
                real.gdtr(), idtr, real.cr0() | 1, 0, 0, 0, 0, real.debugRegisters(), real.msrs(), real.fpu(), false,
                0, false, false, -1);
    }

    static CpuState realModeAt(long ip) {
        SegmentState data = SegmentState.realMode(0);
        SegmentState code = new SegmentState(0, 0, 0xFFFF, SegmentState.P | SegmentState.S | 0xB);
        TreeMap<Integer, Long> msrs = new TreeMap<>();
        return new CpuState(new long[16], ip, 2, data, code, data, data, data, data,
                new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0x2), new SegmentState(0, 0, 0xFFFF,
                SegmentState.P | 0xB), new TableRegister(0, 0xFFFF), new TableRegister(0, 0xFFFF),
                PowerOnState.CR0_RESET, 0, 0, 0, 0, new long[] {0, 0, 0, 0, 0, 0, 0xFFFF0FF0L, 0x400}, msrs,
                FpuState.initialized(), false, 0, false, false, -1);
    }
}
