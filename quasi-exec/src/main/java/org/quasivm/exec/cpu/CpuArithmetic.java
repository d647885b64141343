package org.quasivm.exec.cpu;

import org.quasivm.exec.Platform;

/**
 * Integer arithmetic: the ALU group, shifts and rotates, multiply and divide, BCD adjust, bit tests. Operand width is
 * given as {@code shift} = 32 - bits (0, 16 or 24) so that flag helpers can sign-extend results with two shifts.
 * Where the SDM leaves a flag undefined the value follows what real processors were observed to produce (the
 * SingleStepTests data), since guests never depend on it.
 */
abstract class CpuArithmetic extends CpuSystem {
    static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;
    static final int ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;

    CpuArithmetic(Platform platform, CpuFeatures features) {
        super(platform, features);
    }

    static int maskOf(int shift) {
        return -1 >>> shift;
    }

    /** The eight ALU operations; returns the result (CMP returns {@code a}, which callers do not store). */
    final int alu(int kind, int a, int b, int shift) {
        int r;
        switch (kind) {
            case ADD -> {
                r = a + b;
                flagsAdd(a, b, r, shift);
            }
            case OR -> {
                r = a | b;
                flagsLogic(r, shift);
            }
            case ADC -> {
                r = a + b + (flagAux >>> 31);
                flagsAdd(a, b, r, shift);
            }
            case SBB -> {
                r = a - b - (flagAux >>> 31);
                flagsSub(a, b, r, shift);
            }
            case AND -> {
                r = a & b;
                flagsLogic(r, shift);
            }
            case SUB -> {
                r = a - b;
                flagsSub(a, b, r, shift);
            }
            case XOR -> {
                r = a ^ b;
                flagsLogic(r, shift);
            }
            default -> {
                flagsSub(a, b, a - b, shift);
                return a;
            }
        }
        return r & maskOf(shift);
    }

    final int inc(int v, int shift) {
        int r = v + 1;
        flagsIncDec(r, shift, true);
        return r & maskOf(shift);
    }

    final int dec(int v, int shift) {
        int r = v - 1;
        flagsIncDec(r, shift, false);
        return r & maskOf(shift);
    }

    final int neg(int v, int shift) {
        int r = -v;
        flagsSub(0, v, r, shift);
        return r & maskOf(shift);
    }

    /** Shift or rotate group; {@code count} is the raw count (masked to 5 bits here). */
    final int shiftRotate(int kind, int v, int count, int shift) {
        int c = count & 31;
        if (c == 0) {
            return v;
        }
        int bits = 32 - shift;
        int mask = maskOf(shift);
        v &= mask;
        int msb = bits - 1;
        int r;
        switch (kind) {
            case ROL -> {
                int k = c & msb;
                r = k == 0 ? v : ((v << k) | (v >>> (bits - k))) & mask;
                boolean cf = (r & 1) != 0;
                boolean of = ((r >>> msb) & 1) != 0 ^ cf;
                setCarryOverflow(cf, of);
            }
            case ROR -> {
                int k = c & msb;
                r = k == 0 ? v : ((v >>> k) | (v << (bits - k))) & mask;
                boolean cf = ((r >>> msb) & 1) != 0;
                boolean of = cf ^ (((r >>> (msb - 1)) & 1) != 0);
                setCarryOverflow(cf, of);
            }
            case RCL -> {
                int k = c % (bits + 1);
                long wide = ((long) (flagAux >>> 31) << bits) | (v & 0xFFFFFFFFL);
                long full = (1L << (bits + 1)) - 1;
                long rot = k == 0 ? wide : ((wide << k) | (wide >>> (bits + 1 - k))) & full;
                r = (int) rot & mask;
                boolean cf = ((rot >>> bits) & 1) != 0;
                boolean of = (((r >>> msb) & 1) != 0) ^ cf;
                setCarryOverflow(cf, of);
            }
            case RCR -> {
                int k = c % (bits + 1);
                long wide = ((long) (flagAux >>> 31) << bits) | (v & 0xFFFFFFFFL);
                long full = (1L << (bits + 1)) - 1;
                long rot = k == 0 ? wide : ((wide >>> k) | (wide << (bits + 1 - k))) & full;
                r = (int) rot & mask;
                boolean cf = ((rot >>> bits) & 1) != 0;
                boolean of = (((r >>> msb) & 1) != 0) ^ (((r >>> (msb - 1)) & 1) != 0);
                setCarryOverflow(cf, of);
            }
            case SHL, SAL -> {
                long wide = (v & 0xFFFFFFFFL) << c;
                r = (int) wide & mask;
                boolean cf = ((wide >>> bits) & 1) != 0;
                boolean of = (((r >>> msb) & 1) != 0) ^ cf;
                flagsResult(r, shift, cf, of, false);
            }
            case SHR -> {
                r = v >>> c;
                boolean cf = ((v >>> (c - 1)) & 1) != 0;
                // OF: the SDM defines it for count 1 (MSB of the operand); for larger counts processors produce the
                // XOR of the result's top two bits, which equals the count-1 value when the count is 1.
                boolean of = ((((r << 1) ^ r) >>> msb) & 1) != 0;
                flagsResult(r, shift, cf, of, false);
            }
            default -> {
                int sv = (v << shift) >> shift;
                r = (sv >> c) & mask;
                boolean cf = ((sv >> (c - 1)) & 1) != 0;
                flagsResult(r, shift, cf, false, false);
            }
        }
        return r;
    }

    /** Rotates change only CF and OF: the result word (SF, ZF, PF) and AF stay as they are. */
    private void setCarryOverflow(boolean cf, boolean of) {
        flagAux = (flagAux & 0x3FFFFFFF) | (cf ? 0x80000000 : 0) | (cf != of ? 0x40000000 : 0);
    }

    /** SHLD/SHRD for 16 or 32 bits; counts above the width shift through a repeated destination (as P6 parts). */
    final int doubleShift(boolean left, int d, int s, int count, int shift) {
        int c = count & 31;
        if (c == 0) {
            return d;
        }
        int bits = 32 - shift;
        int mask = maskOf(shift);
        d &= mask;
        s &= mask;
        int r;
        boolean cf;
        if (bits == 32) {
            if (left) {
                r = (d << c) | (s >>> (32 - c));
                cf = ((d >>> (32 - c)) & 1) != 0;
            } else {
                r = (d >>> c) | (s << (32 - c));
                cf = ((d >>> (c - 1)) & 1) != 0;
            }
        } else if (left) {
            long x = ((long) d << 32) | ((long) s << 16) | d;
            long y = x << c;
            r = (int) (y >>> 32) & 0xFFFF;
            cf = ((y >>> 48) & 1) != 0;
        } else {
            long x = d | ((long) s << 16) | ((long) d << 32);
            r = (int) (x >>> c) & 0xFFFF;
            cf = ((x >>> (c - 1)) & 1) != 0;
        }
        boolean of = (((r ^ d) >>> (bits - 1)) & 1) != 0;
        flagsResult(r, shift, cf, of, false);
        return r;
    }

    // ---- multiply / divide ----

    final void mul8(int src) {
        int r = r8(EAX) * src;
        w16(EAX, r);
        boolean c = (r & 0xFF00) != 0;
        flagsResult(r, 24, c, c, false);
    }

    final void imul8(int src) {
        int r = (byte) r8(EAX) * (byte) src;
        w16(EAX, r);
        boolean c = r != (byte) r;
        flagsResult(r, 24, c, c, false);
    }

    final void mul16(int src) {
        int r = r16(EAX) * (src & 0xFFFF);
        w16(EAX, r);
        w16(EDX, r >>> 16);
        boolean c = (r >>> 16) != 0;
        flagsResult(r, 16, c, c, false);
    }

    final void imul16(int src) {
        int r = (short) r16(EAX) * (short) src;
        w16(EAX, r);
        w16(EDX, r >>> 16);
        boolean c = r != (short) r;
        flagsResult(r, 16, c, c, false);
    }

    final void mul32(int src) {
        long r = (regs[EAX] & 0xFFFFFFFFL) * (src & 0xFFFFFFFFL);
        w32(EAX, (int) r);
        w32(EDX, (int) (r >>> 32));
        boolean c = (r >>> 32) != 0;
        flagsResult((int) r, 0, c, c, false);
    }

    final void imul32(int src) {
        long r = (long) r32(EAX) * (long) src;
        w32(EAX, (int) r);
        w32(EDX, (int) (r >>> 32));
        boolean c = r != (int) r;
        flagsResult((int) r, 0, c, c, false);
    }

    /** Two- and three-operand IMUL: truncated product, CF = OF = the product did not fit. */
    final int imulTruncated(int a, int b, boolean o32) {
        if (o32) {
            long r = (long) a * (long) b;
            boolean c = r != (int) r;
            flagsResult((int) r, 0, c, c, false);
            return (int) r;
        }
        int r = (short) a * (short) b;
        boolean c = r != (short) r;
        flagsResult(r, 16, c, c, false);
        return r & 0xFFFF;
    }

    final void div8(int src) {
        int dividend = r16(EAX);
        if (src == 0) {
            throw fault(CpuFault.DE);
        }
        int q = dividend / src;
        if (q > 0xFF) {
            throw fault(CpuFault.DE);
        }
        w16(EAX, ((dividend % src) << 8) | q);
    }

    final void idiv8(int src) {
        int dividend = (short) r16(EAX);
        int divisor = (byte) src;
        if (divisor == 0) {
            throw fault(CpuFault.DE);
        }
        int q = dividend / divisor;
        if (q > 127 || q < -128) {
            throw fault(CpuFault.DE);
        }
        w16(EAX, (((dividend % divisor) & 0xFF) << 8) | (q & 0xFF));
    }

    final void div16(int src) {
        long dividend = ((long) r16(EDX) << 16) | r16(EAX);
        int divisor = src & 0xFFFF;
        if (divisor == 0) {
            throw fault(CpuFault.DE);
        }
        long q = dividend / divisor;
        if (q > 0xFFFF) {
            throw fault(CpuFault.DE);
        }
        w16(EAX, (int) q);
        w16(EDX, (int) (dividend % divisor));
    }

    final void idiv16(int src) {
        int dividend = (r16(EDX) << 16) | r16(EAX);
        int divisor = (short) src;
        if (divisor == 0) {
            throw fault(CpuFault.DE);
        }
        long q = (long) dividend / divisor;
        if (q > 32767 || q < -32768) {
            throw fault(CpuFault.DE);
        }
        w16(EAX, (int) q);
        w16(EDX, dividend % divisor);
    }

    final void div32(int src) {
        long divisor = src & 0xFFFFFFFFL;
        if (divisor == 0) {
            throw fault(CpuFault.DE);
        }
        long hi = regs[EDX] & 0xFFFFFFFFL;
        if (hi >= divisor) {
            throw fault(CpuFault.DE);
        }
        long dividend = (hi << 32) | (regs[EAX] & 0xFFFFFFFFL);
        w32(EAX, (int) Long.divideUnsigned(dividend, divisor));
        w32(EDX, (int) Long.remainderUnsigned(dividend, divisor));
    }

    final void idiv32(int src) {
        long dividend = ((long) r32(EDX) << 32) | (regs[EAX] & 0xFFFFFFFFL);
        long divisor = src;
        if (divisor == 0) {
            throw fault(CpuFault.DE);
        }
        if (dividend == Long.MIN_VALUE && divisor == -1) {
            throw fault(CpuFault.DE);
        }
        long q = dividend / divisor;
        if (q > Integer.MAX_VALUE || q < Integer.MIN_VALUE) {
            throw fault(CpuFault.DE);
        }
        w32(EAX, (int) q);
        w32(EDX, (int) (dividend % divisor));
    }

    // ---- BCD ----

    final void daa() {
        int al = r8(EAX);
        boolean oldCf = cf();
        boolean a = af();
        boolean c = false;
        int v = al;
        if ((al & 0xF) > 9 || a) {
            v = al + 6;
            c = oldCf || v > 0xFF;
            a = true;
        } else {
            a = false;
        }
        if (al > 0x99 || oldCf) {
            v += 0x60;
            c = true;
        } else {
            c = false;
        }
        w8(EAX, v);
        flagsResult(v & 0xFF, 24, c, false, a);
    }

    final void das() {
        int al = r8(EAX);
        boolean oldCf = cf();
        boolean a = af();
        boolean c = false;
        int v = al;
        if ((al & 0xF) > 9 || a) {
            v = al - 6;
            c = oldCf || v < 0;
            a = true;
        } else {
            a = false;
        }
        if (al > 0x99 || oldCf) {
            v -= 0x60;
            c = true;
        }
        w8(EAX, v);
        flagsResult(v & 0xFF, 24, c, false, a);
    }

    final void aaa() {
        int ax = r16(EAX);
        boolean adjust = (ax & 0xF) > 9 || af();
        if (adjust) {
            ax += 0x106;
        }
        ax = ax & 0xFF0F;
        w16(EAX, ax);
        flagsResult(ax & 0xFF, 24, adjust, false, adjust);
    }

    final void aas() {
        int ax = r16(EAX);
        boolean adjust = (ax & 0xF) > 9 || af();
        if (adjust) {
            ax = ax - 6;
            ax = (ax & 0xFF) | (((ax >>> 8) - 1) << 8);
        }
        ax = ax & 0xFF0F;
        w16(EAX, ax);
        flagsResult(ax & 0xFF, 24, adjust, false, adjust);
    }

    final void aam(int base) {
        if (base == 0) {
            throw fault(CpuFault.DE);
        }
        int al = r8(EAX);
        int r = ((al / base) << 8) | (al % base);
        w16(EAX, r);
        flagsLogic(r & 0xFF, 24);
    }

    final void aad(int base) {
        int ax = r16(EAX);
        int al = ((ax >>> 8) * base + (ax & 0xFF)) & 0xFF;
        w16(EAX, al);
        flagsLogic(al, 24);
    }
}
