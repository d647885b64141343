package org.quasivm.exec.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AbridgedTagWordTest {

    private static byte[] registerFile(int index, long significand, int signExponent) {
        byte[] r = new byte[80];
        for (int k = 0; k < 8; k++) {
            r[index * 10 + k] = (byte) (significand >>> (8 * k));
        }
        r[index * 10 + 8] = (byte) signExponent;
        r[index * 10 + 9] = (byte) (signExponent >>> 8);
        return r;
    }

    @Test
    void abridgedBitIsSetForEveryRegisterThatIsNotEmpty() {
        assertEquals(0b0000_0101, AbridgedTagWord.abridge(0xFFFF & ~(3 << 0) & ~(3 << 4) | (1 << 4)));
        assertEquals(0, AbridgedTagWord.abridge(0xFFFF));
        assertEquals(0xFF, AbridgedTagWord.abridge(0x5555));
    }

    @Test
    void expandClassifiesNormalNumbersAsValid() {
        byte[] r = registerFile(3, 0x8000_0000_0000_0000L, 0x3FFF);
        assertEquals(0xFFFF & ~(3 << 6), AbridgedTagWord.expand(1 << 3, r));
    }

    @Test
    void expandClassifiesZeroAsZero() {
        assertEquals(0xFFFF & ~(3 << 2) | (1 << 2), AbridgedTagWord.expand(1 << 1, new byte[80]));
    }

    @Test
    void expandClassifiesInfinityDenormalAndUnnormalAsSpecial() {
        int special = 0xFFFF & ~(3 << 0) | (2 << 0);
        assertEquals(special, AbridgedTagWord.expand(1, registerFile(0, 0x8000_0000_0000_0000L, 0x7FFF)));
        assertEquals(special, AbridgedTagWord.expand(1, registerFile(0, 1, 0)));
        assertEquals(special, AbridgedTagWord.expand(1, registerFile(0, 0x4000_0000_0000_0000L, 0x3FFF)));
    }

    @Test
    void emptyRegistersStayEmptyWhateverTheyHold() {
        assertEquals(0xFFFF, AbridgedTagWord.expand(0, registerFile(2, 0x8000_0000_0000_0000L, 0x3FFF)));
    }
}
