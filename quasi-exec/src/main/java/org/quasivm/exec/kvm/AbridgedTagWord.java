package org.quasivm.exec.kvm;

/**
 * Converts between the x87 tag word (2 bits per physical register: 00 valid, 01 zero, 10 special, 11 empty) and the
 * abridged form FXSAVE/XSAVE keep (1 bit per register: set when not empty). Going back to the full form classifies
 * each register's contents, as FXRSTOR does (Intel SDM vol. 1, 10.5.1.1).
 */
final class AbridgedTagWord {

    static final int VALID = 0;
    static final int ZERO = 1;
    static final int SPECIAL = 2;
    static final int EMPTY = 3;

    private AbridgedTagWord() {
    }

    static int abridge(int tagWord) {
        int abridged = 0;
        for (int i = 0; i < 8; i++) {
            if (((tagWord >> (2 * i)) & 3) != EMPTY) {
                abridged |= 1 << i;
            }
        }
        return abridged;
    }

    /**
     * @param abridged          FTW byte of the FXSAVE image
     * @param physicalRegisters R0..R7, 10 bytes each (significand little-endian, then sign and exponent)
     */
    static int expand(int abridged, byte[] physicalRegisters) {
        int tagWord = 0;
        for (int i = 0; i < 8; i++) {
            int tag = (abridged & (1 << i)) == 0 ? EMPTY : classify(physicalRegisters, i * 10);
            tagWord |= tag << (2 * i);
        }
        return tagWord;
    }

    private static int classify(byte[] r, int at) {
        long significand = 0;
        for (int k = 7; k >= 0; k--) {
            significand = (significand << 8) | (r[at + k] & 0xFF);
        }
        int exponent = ((r[at + 9] & 0x7F) << 8) | (r[at + 8] & 0xFF);
        if (exponent == 0x7FFF) {
            return SPECIAL; // infinity, NaN
        }
        if (exponent == 0) {
            return significand == 0 ? ZERO : SPECIAL; // zero, or denormal/pseudo-denormal
        }
        return significand < 0 ? VALID : SPECIAL; // integer bit set: normal; clear: unnormal
    }
}
