package org.quasivm.exec.cputest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;

import org.junit.jupiter.api.Test;

class KnownDifferencesTest {

    private static MooTest test(int[] bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new MooTest(0, "t", b, new int[14], 0, new int[14], new int[0], new int[0], -1, -1, "");
    }

    @Test
    void everyBundledRuleHasAReason() {
        KnownDifferences k = KnownDifferences.bundled80286();
        assertFalse(k.rules().isEmpty());
        k.rules().forEach(r -> assertTrue(r.reason().length() > 20, r.condition() + " needs a reason"));
    }

    @Test
    void lockOnARegisterFormMatchesButLockOnAMemoryAddDoesNot() throws IOException {
        KnownDifferences k = KnownDifferences.parse("t", new StringReader("LOCK_UD * : reason here"));
        assertNotNull(k.match("00", test(new int[] {0xF0, 0x00, 0xC0}), -1));
        assertNull(k.match("00", test(new int[] {0xF0, 0x00, 0x07}), -1));
    }

    @Test
    void ruleAppliesOnlyToItsOpcodeFiles() throws IOException {
        KnownDifferences k = KnownDifferences.parse("t", new StringReader("LONGER_THAN_10 90 : reason here"));
        MooTest longNop = test(new int[] {0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x90});
        assertNotNull(k.match("90", longNop, -1));
        assertNull(k.match("91", longNop, -1));
    }

    @Test
    void unknownConditionIsRejectedWithItsLine() {
        IOException e = assertThrows(IOException.class,
                () -> KnownDifferences.parse("rules.txt", new StringReader("# c\nNO_SUCH * : x")));
        assertEquals("rules.txt:2: unknown condition NO_SUCH", e.getMessage());
    }

    @Test
    void ruleWithoutReasonIsRejected() {
        assertThrows(IOException.class, () -> KnownDifferences.parse("r", new StringReader("LOCK_UD * :")));
    }
}
