package org.quasivm.exec.kvm;

import java.util.SortedMap;

import org.quasivm.exec.state.CpuState;
import org.quasivm.exec.state.FpuState;
import org.quasivm.exec.state.SegmentState;
import org.quasivm.exec.state.TableRegister;

/** The architectural state after power-on RESET (Intel SDM vol. 3, table 9-1). */
final class PowerOnState {

    static final int RESET_CS = 0xF000;
    static final long RESET_CS_BASE = 0xFFFF_0000L;
    static final long RESET_IP = 0xFFF0;
    static final long CR0_RESET = 0x6000_0010L; // CD, NW, ET
    static final long DR6_RESET = 0xFFFF_0FF0L;
    static final long DR7_RESET = 0x400;

    private PowerOnState() {
    }

    /** @param signature CPUID.1:EAX, which RESET leaves in EDX */
    static CpuState create(int signature) {
        long[] gprs = new long[16];
        gprs[CpuState.RDX] = signature & 0xFFFF_FFFFL;
        SegmentState data = SegmentState.realMode(0);
        SegmentState code = new SegmentState(RESET_CS, RESET_CS_BASE, 0xFFFF, SegmentState.P | SegmentState.S | 0xB);
        SegmentState ldtr = new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0x2);
        SegmentState tr = new SegmentState(0, 0, 0xFFFF, SegmentState.P | 0xB);
        long[] debug = new long[8];
        debug[6] = DR6_RESET;
        debug[7] = DR7_RESET;
        SortedMap<Integer, Long> msrs = PortableMsrs.resetValues();
        return new CpuState(gprs, RESET_IP, 2, data, code, data, data, data, data, ldtr, tr,
                new TableRegister(0, 0xFFFF), new TableRegister(0, 0xFFFF), CR0_RESET, 0, 0, 0, 0,
                debug, msrs, FpuState.powerOn(), false, 0, false, false, -1);
    }
}
