package org.quasivm.vmm.devices.ps2;

/**
 * The i8042's set 2 to set 1 translation (command byte bit 6): each set 2 code maps to the set 1 code of the same
 * key, an F0h break prefix is swallowed and sets bit 7 of the next code. The table is derived from {@link PcKey}'s
 * pairs, so it is the keyboard's own layout; codes of no key (and 80h-FFh except F7's 83h) pass unchanged.
 */
final class ScanCodeTranslation {

    private static final int[] TABLE = build();

    private ScanCodeTranslation() {
    }

    private static int[] build() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            t[i] = i;
        }
        for (PcKey k : PcKey.values()) {
            if (k != PcKey.PAUSE && k != PcKey.PRINT_SCREEN) {
                t[k.set2()] = k.set1();
            }
        }
        t[0x84] = 0x54; // Alt+SysRq
        t[0x00] = 0xFF; // key detection error / overrun
        t[0x02] = 0x41; // the keyboard's "set 2" reply to F0h 00h reads 41h through translation
        return t;
    }

    /** Set 1 code for set 2 byte {@code code} (ignoring prefixes). */
    static int toSet1(int code) {
        return TABLE[code & 0xFF];
    }
}
