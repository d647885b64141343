package org.quasivm.exec.fpu;

/**
 * F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS and FSINCOS.
 */
final class X87Transcendentals {

    static final int F2XM1 = 0;
    static final int FYL2X = 1;
    static final int FPTAN = 2;
    static final int FPATAN = 3;
    static final int FYL2XP1 = 4;
    static final int FSINCOS = 5;
    static final int FSIN = 6;
    static final int FCOS = 7;

    private final Float80Arithmetic alu;

    X87Transcendentals(Float80Arithmetic alu) {
        this.alu = alu;
    }

    /** One-operand functions of ST0; returns non-zero (C2) when the argument is out of range and ST0 stays. */
    int unary(int function, int se, long sig) {
        throw new UnsupportedOperationException("not supported yet: x87 transcendental " + function);
    }

    /** FYL2X, FYL2XP1, FPATAN: ST1 op ST0, result to ST1 then pop. */
    void binary(int function, int se0, long sig0, int se1, long sig1) {
        throw new UnsupportedOperationException("not supported yet: x87 transcendental " + function);
    }
}
