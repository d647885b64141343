package org.quasivm.exec.cpu;

/**
 * A processor exception raised while executing an instruction (#GP, #PF, #UD...). Thrown out of the instruction and
 * caught at the instruction boundary, where the CPU rolls EIP back to the faulting instruction and delivers the
 * vector. Faults are the rare path: each CPU throws one preallocated instance and no stack trace is taken.
 */
public final class CpuFault extends RuntimeException {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8, TS = 10, NP = 11,
            SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18;

    private int vector;
    private int errorCode;
    private boolean hasErrorCode;

    CpuFault() {
        super(null, null, false, false);
    }

    CpuFault set(int vec, int code, boolean withCode) {
        vector = vec;
        errorCode = code;
        hasErrorCode = withCode;
        return this;
    }

    public int vector() {
        return vector;
    }

    public int errorCode() {
        return errorCode;
    }

    public boolean hasErrorCode() {
        return hasErrorCode;
    }

    /** Whether the vector pushes an error code when delivered in protected mode. */
    public static boolean pushesErrorCode(int vector) {
        return vector == DF || (vector >= TS && vector <= PF) || vector == AC;
    }

    @Override
    public String getMessage() {
        return "vector " + vector + (hasErrorCode ? " error " + Integer.toHexString(errorCode) : "");
    }
}
