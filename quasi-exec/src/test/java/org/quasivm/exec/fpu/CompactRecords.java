package org.quasivm.exec.fpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Java side of the oracle's compact records (see x87oracle.c): runs a record through {@link X87} and writes the
 * reply in the oracle's layout, and describes records for failure messages.
 */
final class CompactRecords {

    static final int SIZE = X87Oracle.COMPACT_SIZE;

    private CompactRecords() {
    }

    static void simulate(X87 x87, FlatMemoryHost host, ByteBuffer in, ByteBuffer out, int at) {
        int opcode = in.get(at) & 0xFF;
        int modrm = in.get(at + 1) & 0xFF;
        int flags = in.get(at + 3) & 0xFF;
        int cw = in.getShort(at + 4) & 0xFFFF;
        int sw = in.getShort(at + 6) & 0xFFFF;
        int tw = in.getShort(at + 8) & 0xFFFF;
        int top = (sw >> 11) & 7;
        x87.initialize();
        for (int r = 0; r < 8; r++) {
            x87.setRegister(r, 0, 0);
        }
        x87.setRegister(top, in.getShort(at + 20), in.getLong(at + 12));
        x87.setRegister((top + 1) & 7, in.getShort(at + 30), in.getLong(at + 22));
        x87.loadControlWord(cw);
        x87.loadStatusWord(sw);
        x87.loadFullTagWord(tw);
        host.memory.put(0, in.array(), at + 32, 16); // compact forms write at most 10 bytes at 0
        host.cf = (flags & 1) != 0;
        host.pf = (flags & 4) != 0;
        host.zf = (flags & 0x40) != 0;
        host.ax = 0;
        host.operandSize32 = true;
        host.protectedMode = true;
        try {
            x87.execute(opcode, modrm, 0, 0, 0, host);
        } catch (RuntimeException e) {
            for (int i = 0; i < SIZE; i++) {
                out.put(at + i, (byte) 0xEE); // never what the oracle says
            }
            return;
        }
        int newTop = (x87.statusWord() >> 11) & 7;
        out.putShort(at, (short) x87.controlWord());
        out.putShort(at + 2, (short) x87.statusWord());
        out.putShort(at + 4, (short) x87.fullTagWord());
        out.putShort(at + 6, (short) host.ax);
        out.put(at + 8, (byte) ((host.cf ? 1 : 0) | (host.pf ? 4 : 0) | (host.zf ? 0x40 : 0)));
        out.put(at + 9, (byte) 0);
        out.putShort(at + 10, (short) 0);
        out.putLong(at + 12, x87.registerSig(newTop));
        out.putShort(at + 20, (short) x87.registerSe(newTop));
        out.putLong(at + 22, x87.registerSig((newTop + 1) & 7));
        out.putShort(at + 30, (short) x87.registerSe((newTop + 1) & 7));
        host.memory.get(0, out.array(), at + 32, 16);
    }

    static String describe(ByteBuffer in, int at, byte[] theirs, byte[] mine) {
        ByteBuffer t = ByteBuffer.wrap(theirs).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer m = ByteBuffer.wrap(mine).order(ByteOrder.LITTLE_ENDIAN);
        return String.format("  %02X %02X cw=%04X sw=%04X tw=%04X fl=%02X st0=%s st1=%s mem=%016X%016X%n"
                        + "    host: %s%n    ours: %s",
                in.get(at), in.get(at + 1), in.getShort(at + 4), in.getShort(at + 6), in.getShort(at + 8),
                in.get(at + 3), ext(in, at + 12), ext(in, at + 22), in.getLong(at + 40), in.getLong(at + 32),
                result(t, at), result(m, at));
    }

    static String result(ByteBuffer b, int at) {
        return String.format("cw=%04X sw=%04X tw=%04X ax=%04X fl=%02X st0=%s st1=%s mem=%016X%016X",
                b.getShort(at), b.getShort(at + 2), b.getShort(at + 4), b.getShort(at + 6), b.get(at + 8),
                ext(b, at + 12), ext(b, at + 22), b.getLong(at + 40), b.getLong(at + 32));
    }

    static String ext(ByteBuffer b, int at) {
        return String.format("%04X:%016X", b.getShort(at + 8), b.getLong(at));
    }
}
