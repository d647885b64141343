package org.quasivm.exec.fpu;

/**
 * Which D8..DF encodings exist on an i686 (no SSE3, so no FISTTP) and which of them are "no-wait" control
 * instructions. Register forms include the aliases every x87 since the 387 executes although the SDM leaves them
 * reserved (FCOM2/FCOMP3/FCOMP5 at DC D0/DC D8/DE D0, FXCH4/FXCH7 at DD C8/DF C8, FSTP1/FSTP8/FSTP9 at D9 D8,
 * DF D0, DF D8, FFREEP at DF C0) and the 8087/287 leftovers the 387 treats as FNOP (FNENI, FNDISI, FNSETPM).
 */
final class X87Opcodes {

    private X87Opcodes() {
    }

    static boolean isDefined(int opcode, int modrm) {
        if (opcode < 0xD8 || opcode > 0xDF || (modrm & ~0xFF) != 0) {
            return false;
        }
        int reg = (modrm >> 3) & 7;
        if ((modrm & 0xC0) != 0xC0) {
            return switch (opcode) {
                case 0xD9 -> reg != 1;
                case 0xDB -> reg != 1 && reg != 4 && reg != 6;
                case 0xDD -> reg != 1 && reg != 5;
                case 0xDF -> reg != 1;
                default -> true;
            };
        }
        return switch (opcode) {
            case 0xD8, 0xDC -> true;
            case 0xD9 -> switch (modrm) {
                case 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xE2, 0xE3, 0xE6, 0xE7, 0xEF -> false;
                default -> true;
            };
            case 0xDA -> modrm < 0xE0 || modrm == 0xE9;
            case 0xDB -> modrm < 0xE0 || (modrm >= 0xE0 && modrm <= 0xE4) || (modrm >= 0xE8 && modrm < 0xF8);
            case 0xDD -> modrm < 0xF0;
            case 0xDE -> modrm < 0xD8 || modrm == 0xD9 || modrm >= 0xE0;
            case 0xDF -> modrm < 0xE0 || modrm == 0xE0 || (modrm >= 0xE8 && modrm < 0xF8);
            default -> false;
        };
    }

    /** False for FNINIT, FNCLEX, FNSTSW (both forms), FNSTCW, FNSTENV and FNSAVE; true for everything else. */
    static boolean isWaiting(int opcode, int modrm) {
        int reg = (modrm >> 3) & 7;
        boolean memory = (modrm & 0xC0) != 0xC0;
        return switch (opcode) {
            case 0xD9 -> !(memory && (reg == 6 || reg == 7));
            case 0xDB -> memory || (modrm != 0xE2 && modrm != 0xE3);
            case 0xDD -> !(memory && (reg == 6 || reg == 7));
            case 0xDF -> memory || modrm != 0xE0;
            default -> true;
        };
    }
}
