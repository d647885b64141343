package org.quasivm.exec.cpu;

import org.quasivm.exec.Platform;
import org.quasivm.exec.decode.Insn;

/**
 * Instructions on ModRM operands: effective addresses, reading and writing r/m operands, and the ALU, shift,
 * exchange and bit-test forms the dispatch calls. Split from the interpreter so each file stays about one thing.
 */
abstract class CpuOperands extends CpuStrings {

    CpuOperands(Platform platform, CpuFeatures features) {
        super(platform, features);
    }

    // ---- operand helpers ----

    int ea(int w0, int w1, int disp) {
        int a = (int) regs[w1 & 0x1F] + ((int) regs[(w1 >>> 5) & 0x1F] << ((w1 >>> 10) & 3)) + disp;
        return (w0 & Insn.A32) != 0 ? a : a & 0xFFFF;
    }

    static int segOf(int w0) {
        return (w0 >>> Insn.SEG_SHIFT) & 7;
    }

    static int regOf(int w0) {
        return (w0 >>> Insn.REG_SHIFT) & 0xF;
    }

    static int subOf(int w0) {
        return (w0 >>> Insn.SUB_SHIFT) & 0xF;
    }

    static int rmOf(int w1) {
        return (w1 >>> 12) & 0xF;
    }

    static boolean isMem(int w0) {
        return (w0 & Insn.MEM) != 0;
    }

    static boolean isO32(int w0) {
        return (w0 & Insn.O32) != 0;
    }

    int readEb(int w0, int w1, int disp) {
        return isMem(w0) ? rd8(segOf(w0), ea(w0, w1, disp)) : r8(rmOf(w1));
    }

    int readEw(int w0, int w1, int disp) {
        return isMem(w0) ? rd16(segOf(w0), ea(w0, w1, disp)) : r16(rmOf(w1));
    }

    int readEv(int w0, int w1, int disp, boolean o32) {
        if (isMem(w0)) {
            int a = ea(w0, w1, disp);
            return o32 ? rd32(segOf(w0), a) : rd16(segOf(w0), a);
        }
        return o32 ? (int) regs[rmOf(w1)] : (int) regs[rmOf(w1)] & 0xFFFF;
    }

    void writeEb(int w0, int w1, int disp, int v) {
        if (isMem(w0)) {
            wr8(segOf(w0), ea(w0, w1, disp), v);
        } else {
            w8(rmOf(w1), v);
        }
    }

    void writeEv(int w0, int w1, int disp, int v, boolean o32) {
        if (isMem(w0)) {
            int a = ea(w0, w1, disp);
            if (o32) {
                wr32(segOf(w0), a, v);
            } else {
                wr16(segOf(w0), a, v);
            }
        } else {
            wv(rmOf(w1), v, o32);
        }
    }

    /** Near branch: the target is truncated to the operand size and must lie within CS. */
    void jumpTo(int target, boolean o32) {
        if (!o32) {
            target &= 0xFFFF;
        }
        if ((target & 0xFFFFFFFFL) > (segLimit[CS] & 0xFFFFFFFFL)) {
            throw fault(CpuFault.GP, 0);
        }
        eip = target;
    }

    // ---- ALU forms ----

    void logic32(int d, int r) {
        flagRes = r;
        flagAux = 0;
        regs[d] = r & 0xFFFFFFFFL;
    }

    void aluMem32(int w0, int w1, int disp, int src) {
        int k = subOf(w0);
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        int r = alu(k, rd32(s, a), src, 0);
        if (k != CMP) {
            wr32(s, a, r);
        }
    }

    void aluEb(int w0, int w1, int disp, int src) {
        int k = subOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int r = alu(k, rd8(s, a), src, 24);
            if (k != CMP) {
                wr8(s, a, r);
            }
        } else {
            int rm = rmOf(w1);
            int r = alu(k, r8(rm), src, 24);
            if (k != CMP) {
                w8(rm, r);
            }
        }
    }

    void aluEv(int w0, int w1, int disp, int src, boolean o32) {
        int k = subOf(w0);
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int r = alu(k, rdv(s, a, o32), src, shift);
            if (k != CMP) {
                wrv(s, a, r, o32);
            }
        } else {
            int rm = rmOf(w1);
            int r = alu(k, rv(rm, o32), src, shift);
            if (k != CMP) {
                wv(rm, r, o32);
            }
        }
    }

    void incDecEb(int w0, int w1, int disp, boolean inc) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rd8(s, a);
            wr8(s, a, inc ? inc(v, 24) : dec(v, 24));
        } else {
            int rm = rmOf(w1);
            int v = r8(rm);
            w8(rm, inc ? inc(v, 24) : dec(v, 24));
        }
    }

    void incDecEv(int w0, int w1, int disp, boolean inc, boolean o32) {
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rdv(s, a, o32);
            wrv(s, a, inc ? inc(v, shift) : dec(v, shift), o32);
        } else {
            int rm = rmOf(w1);
            int v = rv(rm, o32);
            wv(rm, inc ? inc(v, shift) : dec(v, shift), o32);
        }
    }

    void notEb(int w0, int w1, int disp) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wr8(s, a, ~rd8(s, a));
        } else {
            w8(rmOf(w1), ~r8(rmOf(w1)));
        }
    }

    void notEv(int w0, int w1, int disp, boolean o32) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, ~rdv(s, a, o32), o32);
        } else {
            wv(rmOf(w1), ~rv(rmOf(w1), o32), o32);
        }
    }

    void negEb(int w0, int w1, int disp) {
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wr8(s, a, neg(rd8(s, a), 24));
        } else {
            w8(rmOf(w1), neg(r8(rmOf(w1)), 24));
        }
    }

    void negEv(int w0, int w1, int disp, boolean o32) {
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, neg(rdv(s, a, o32), shift), o32);
        } else {
            wv(rmOf(w1), neg(rv(rmOf(w1), o32), shift), o32);
        }
    }

    void shiftEb(int w0, int w1, int disp, int count) {
        int k = subOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wr8(s, a, shiftRotate(k, rd8(s, a), count, 24));
        } else {
            w8(rmOf(w1), shiftRotate(k, r8(rmOf(w1)), count, 24));
        }
    }

    void shiftEv(int w0, int w1, int disp, int count, boolean o32) {
        int k = subOf(w0);
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, shiftRotate(k, rdv(s, a, o32), count, shift), o32);
        } else {
            wv(rmOf(w1), shiftRotate(k, rv(rmOf(w1), o32), count, shift), o32);
        }
    }

    void doubleShiftEv(int w0, int w1, int disp, boolean left, int count, boolean o32) {
        int shift = o32 ? 0 : 16;
        int src = rv(regOf(w0), o32);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            wrv(s, a, doubleShift(left, rdv(s, a, o32), src, count, shift), o32);
        } else {
            wv(rmOf(w1), doubleShift(left, rv(rmOf(w1), o32), src, count, shift), o32);
        }
    }

    void xchgEb(int w0, int w1, int disp) {
        int g = regOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rd8(s, a);
            wr8(s, a, r8(g));
            w8(g, v);
        } else {
            int rm = rmOf(w1);
            int v = r8(rm);
            w8(rm, r8(g));
            w8(g, v);
        }
    }

    void xchgEv(int w0, int w1, int disp, boolean o32) {
        int g = regOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int v = rdv(s, a, o32);
            wrv(s, a, rv(g, o32), o32);
            wv(g, v, o32);
        } else {
            int rm = rmOf(w1);
            int v = rv(rm, o32);
            wv(rm, rv(g, o32), o32);
            wv(g, v, o32);
        }
    }

    void xaddEb(int w0, int w1, int disp) {
        int g = regOf(w0);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rd8(s, a);
            int r = alu(ADD, d, r8(g), 24);
            wr8(s, a, r);
            w8(g, d);
        } else {
            int rm = rmOf(w1);
            int d = r8(rm);
            int r = alu(ADD, d, r8(g), 24);
            w8(g, d);
            w8(rm, r);
        }
    }

    void xaddEv(int w0, int w1, int disp, boolean o32) {
        int g = regOf(w0);
        int shift = o32 ? 0 : 16;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rdv(s, a, o32);
            int r = alu(ADD, d, rv(g, o32), shift);
            wrv(s, a, r, o32);
            wv(g, d, o32);
        } else {
            int rm = rmOf(w1);
            int d = rv(rm, o32);
            int r = alu(ADD, d, rv(g, o32), shift);
            wv(g, d, o32);
            wv(rm, r, o32);
        }
    }

    void cmpxchgEb(int w0, int w1, int disp) {
        int g = regOf(w0);
        int acc = r8(EAX);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rd8(s, a);
            alu(CMP, acc, d, 24);
            if (acc == d) {
                wr8(s, a, r8(g));
            } else {
                wr8(s, a, d);
                w8(EAX, d);
            }
        } else {
            int rm = rmOf(w1);
            int d = r8(rm);
            alu(CMP, acc, d, 24);
            if (acc == d) {
                w8(rm, r8(g));
            } else {
                w8(EAX, d);
            }
        }
    }

    void cmpxchgEv(int w0, int w1, int disp, boolean o32) {
        int g = regOf(w0);
        int shift = o32 ? 0 : 16;
        int acc = rv(EAX, o32);
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            int d = rdv(s, a, o32);
            alu(CMP, acc, d, shift);
            if (acc == d) {
                wrv(s, a, rv(g, o32), o32);
            } else {
                wrv(s, a, d, o32);
                wv(EAX, d, o32);
            }
        } else {
            int rm = rmOf(w1);
            int d = rv(rm, o32);
            alu(CMP, acc, d, shift);
            if (acc == d) {
                wv(rm, rv(g, o32), o32);
            } else {
                wv(EAX, d, o32);
            }
        }
    }

    void cmpxchg8b(int w0, int w1, int disp) {
        int s = segOf(w0);
        int a = ea(w0, w1, disp);
        long m = rd64(s, a);
        long expected = (regs[EDX] << 32) | (regs[EAX] & 0xFFFFFFFFL);
        if (m == expected) {
            wr64(s, a, (regs[ECX] << 32) | (regs[EBX] & 0xFFFFFFFFL));
            setZF(true);
        } else {
            wr64(s, a, m);
            w32(EAX, (int) m);
            w32(EDX, (int) (m >>> 32));
            setZF(false);
        }
    }

    void bitTest(int w0, int w1, int disp, int bitOffset, boolean registerOffset, boolean o32) {
        int kind = subOf(w0);
        int bits = o32 ? 32 : 16;
        int v;
        int bit;
        if (isMem(w0)) {
            int s = segOf(w0);
            int a = ea(w0, w1, disp);
            if (registerOffset) {
                int signed = o32 ? bitOffset : (short) bitOffset;
                a += (signed >> (o32 ? 5 : 4)) * (bits / 8);
                if ((w0 & Insn.A32) == 0) {
                    a &= 0xFFFF;
                }
            }
            bit = bitOffset & (bits - 1);
            v = rdv(s, a, o32);
            setCF(((v >>> bit) & 1) != 0);
            if (kind != 0) {
                wrv(s, a, bitUpdate(kind, v, bit), o32);
            }
        } else {
            int rm = rmOf(w1);
            bit = bitOffset & (bits - 1);
            v = rv(rm, o32);
            setCF(((v >>> bit) & 1) != 0);
            if (kind != 0) {
                wv(rm, bitUpdate(kind, v, bit), o32);
            }
        }
    }

    static int bitUpdate(int kind, int v, int bit) {
        return switch (kind) {
            case 1 -> v | (1 << bit);
            case 2 -> v & ~(1 << bit);
            default -> v ^ (1 << bit);
        };
    }

    void bitScan(int w0, int w1, int disp, boolean o32, boolean reverse) {
        int v = readEv(w0, w1, disp, o32);
        if (v == 0) {
            setZF(true);
            return;
        }
        int index = reverse ? 31 - Integer.numberOfLeadingZeros(v) : Integer.numberOfTrailingZeros(v);
        setZF(false);
        wv(regOf(w0), index, o32);
    }

}
