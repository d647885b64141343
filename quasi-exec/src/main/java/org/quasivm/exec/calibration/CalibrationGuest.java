package org.quasivm.exec.calibration;

import java.util.Arrays;

/**
 * The calibration firmware: a 64 KiB ROM whose reset vector jumps to an integer loop run in chunks. Each chunk
 * starts with {@code IN EAX, DX} from {@link #PORT}, which gives the number of iterations (0 ends the run: the guest
 * halts), and ends with {@code OUT DX, EAX}. Instructions per chunk are exactly
 * {@code n * INSTRUCTIONS_PER_ITERATION + INSTRUCTIONS_PER_CHUNK}, so executors that cannot count instructions
 * (KVM) are measured the same way as those that can.
 *
 * <pre>
 * F000:0000  FA                cli
 * outer:     BA E0 00          mov dx, 0E0h
 *            66 ED             in eax, dx
 *            66 89 C1          mov ecx, eax
 *            66 85 C9          test ecx, ecx
 *            74 10             jz done
 * inner:     66 01 CB          add ebx, ecx
 *            66 31 DE          xor esi, ebx
 *            66 47             inc edi
 *            66 49             dec ecx
 *            75 F4             jnz inner
 *            66 EF             out dx, eax
 *            EB E3             jmp outer
 * done:      F4                hlt
 *            EB FD             jmp done
 * F000:FFF0  EA 00 00 00 F0    jmp F000:0000      (reset vector)
 * </pre>
 */
final class CalibrationGuest {

    static final int PORT = 0xE0;
    static final int ROM_SIZE = 0x1_0000;
    static final int INSTRUCTIONS_PER_ITERATION = 5;
    /** mov dx, in, mov ecx, test, jz (not taken), out, jmp. */
    static final int INSTRUCTIONS_PER_CHUNK = 7;

    private static final byte[] CODE = {
        (byte) 0xFA, (byte) 0xBA, (byte) 0xE0, 0x00, 0x66, (byte) 0xED, 0x66, (byte) 0x89, (byte) 0xC1, 0x66,
        (byte) 0x85, (byte) 0xC9, 0x74, 0x10, 0x66, 0x01, (byte) 0xCB, 0x66, 0x31, (byte) 0xDE, 0x66, 0x47, 0x66,
        0x49, 0x75, (byte) 0xF4, 0x66, (byte) 0xEF, (byte) 0xEB, (byte) 0xE3, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD,
    };
    private static final byte[] RESET_VECTOR = {(byte) 0xEA, 0x00, 0x00, 0x00, (byte) 0xF0};

    private CalibrationGuest() {
    }

    static byte[] rom() {
        byte[] rom = new byte[ROM_SIZE];
        Arrays.fill(rom, (byte) 0xF4);
        System.arraycopy(CODE, 0, rom, 0, CODE.length);
        System.arraycopy(RESET_VECTOR, 0, rom, 0xFFF0, RESET_VECTOR.length);
        return rom;
    }
}
