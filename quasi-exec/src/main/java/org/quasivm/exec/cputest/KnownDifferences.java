package org.quasivm.exec.cputest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.quasivm.exec.decode.Decoder;
import org.quasivm.exec.decode.Insn;
import org.quasivm.exec.decode.Op;

/**
 * Where an i686 legitimately differs from the processor that recorded a test set. Each rule names a {@link Condition}
 * (a precise predicate over the test and, where the difference is in which exception is raised, the exception this
 * CPU raised — never a blanket skip), the opcode files it applies to ({@code *} for all) and the reason. Cases a rule
 * matches are excluded from both the pass and fail counts and reported separately.
 *
 * <p>File format, one rule per line: {@code CONDITION opcode[,opcode...]|* : reason}; {@code #} starts a comment.
 */
public final class KnownDifferences {
    public static final String BUNDLED_80286 = "known-differences-80286.txt";

    /** The predicates rules may use. */
    public enum Condition {
        /** LOCK before a form that is not a lockable read-modify-write of memory: #UD on the 386 and later. */
        LOCK_UD {
            @Override
            boolean matches(MooTest t, int ours) {
                byte[] b = t.bytes();
                int lockAt = -1;
                for (int i = 0; i < b.length; i++) {
                    if ((b[i] & 0xFF) == 0xF0) {
                        lockAt = i;
                        break;
                    }
                }
                if (lockAt < 0) {
                    return false;
                }
                byte[] without = new byte[b.length - 1];
                System.arraycopy(b, 0, without, 0, lockAt);
                System.arraycopy(b, lockAt + 1, without, lockAt, b.length - lockAt - 1);
                return decodedOp(b) == Op.UD && decodedOp(without) != Op.UD;
            }
        },
        /** More than 10 bytes: #UD on the 286 (its limit); the i686 limit is 15 bytes. */
        LONGER_THAN_10 {
            @Override
            boolean matches(MooTest t, int ours) {
                return t.bytes().length > 10;
            }
        },
        /** POPF/IRET popping IOPL or NT in real mode: the 286 keeps them zero, the 386 and later load them. */
        REAL_MODE_IOPL_NT {
            @Override
            boolean matches(MooTest t, int ours) {
                int op = firstOpcode(t.bytes());
                int offset = op == 0x9D ? 0 : op == 0xCF ? 4 : -1;
                if (offset < 0) {
                    return false;
                }
                int[] r = t.initialRegs();
                long at = ((long) r[MooTest.SS] << 4) + ((r[MooTest.SP] + offset) & 0xFFFF);
                int hi = t.initialByte(at + 1);
                return hi >= 0 && (hi & 0x70) != 0;
            }
        },
        /** MOV to/from a segment register with ModRM.reg 4 or 5: FS/GS on the 386 and later. */
        FS_GS_ENCODING {
            @Override
            boolean matches(MooTest t, int ours) {
                byte[] b = t.bytes();
                int i = firstOpcodeIndex(b);
                if (i < 0 || i + 1 >= b.length) {
                    return false;
                }
                int op = b[i] & 0xFF;
                int reg = (b[i + 1] >>> 3) & 7;
                return (op == 0x8C || op == 0x8E) && (reg == 4 || reg == 5);
            }
        },
        /** Real-mode stack-segment limit violation: the 286 raises #GP(13), the 386 and later #SS(12). */
        SS_LIMIT_GP {
            @Override
            boolean matches(MooTest t, int ours) {
                return t.exception() == 13 && ours == 12;
            }
        },
        /**
         * Word string access at offset FFFFh: the 286 wraps within the segment or faults after advancing SI/DI; the
         * 386 and later fault precisely (registers as before the iteration).
         */
        STRING_WORD_AT_FFFF {
            @Override
            boolean matches(MooTest t, int ours) {
                int op = firstOpcode(t.bytes());
                boolean wordString = op == 0xA5 || op == 0xA7 || op == 0xAB || op == 0xAD || op == 0xAF
                        || op == 0x6D || op == 0x6F;
                return wordString && (ours == 12 || ours == 13) && touchesFFFF(t, op);
            }
        },
        /** POP m16 whose destination write faults: the 286 leaves SP incremented, the 386 and later restore it. */
        POP_MEM_FAULT_SP {
            @Override
            boolean matches(MooTest t, int ours) {
                return firstOpcode(t.bytes()) == 0x8F && t.exception() >= 0 && t.exception() != 6;
            }
        },
        /** IDIV whose quotient does not fit: the 286 sometimes stores a result; the SDM requires #DE (raised here). */
        IDIV_OVERFLOW_NO_DE {
            @Override
            boolean matches(MooTest t, int ours) {
                return t.exception() < 0 && ours == 0;
            }
        },
        /** AAM 0 (#DE): the 286 has already written SF/ZF/PF, which the SDM leaves undefined for a faulting AAM. */
        AAM_ZERO {
            @Override
            boolean matches(MooTest t, int ours) {
                byte[] b = t.bytes();
                int i = firstOpcodeIndex(b);
                return i >= 0 && i + 1 < b.length && (b[i] & 0xFF) == 0xD4 && b[i + 1] == 0;
            }
        };

        abstract boolean matches(MooTest t, int ours);
    }

    private static final Set<Integer> PREFIXES = Set.of(0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2,
            0xF3);

    static int firstOpcodeIndex(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (!PREFIXES.contains(b[i] & 0xFF)) {
                return i;
            }
        }
        return -1;
    }

    static int firstOpcode(byte[] b) {
        int i = firstOpcodeIndex(b);
        return i < 0 ? -1 : b[i] & 0xFF;
    }

    /** Whether some iteration of a word string instruction addresses offset FFFFh through SI or DI. */
    static boolean touchesFFFF(MooTest t, int op) {
        int[] r = t.initialRegs();
        byte[] b = t.bytes();
        boolean rep = false;
        for (int i = 0; i < firstOpcodeIndex(b); i++) {
            rep |= (b[i] & 0xFF) == 0xF2 || (b[i] & 0xFF) == 0xF3;
        }
        int n = rep ? r[MooTest.CX] : 1;
        int step = (r[MooTest.FLAGS] & 0x400) != 0 ? -2 : 2;
        boolean usesSi = op == 0xA5 || op == 0xA7 || op == 0xAD || op == 0x6F;
        boolean usesDi = op == 0xA5 || op == 0xA7 || op == 0xAB || op == 0xAF || op == 0x6D;
        for (int k = 0; k < n; k++) {
            if ((usesSi && ((r[MooTest.SI] + k * step) & 0xFFFF) == 0xFFFF)
                    || (usesDi && ((r[MooTest.DI] + k * step) & 0xFFFF) == 0xFFFF)) {
                return true;
            }
        }
        return false;
    }

    private static int decodedOp(byte[] b) {
        int[] out = new int[Insn.STRIDE];
        int len = new Decoder().decode(p -> p < b.length ? b[p] & 0xFF : -1, 0, false, out, 0);
        return len == Decoder.INCOMPLETE ? -1 : Insn.op(out[0]);
    }

    /** One rule from the file. */
    public record Rule(Condition condition, Set<String> opcodes, String reason, int line) {
        boolean appliesTo(String opcode, MooTest t, int ours) {
            return (opcodes.contains("*") || opcodes.contains(opcode)) && condition.matches(t, ours);
        }
    }

    private final List<Rule> rules;

    private KnownDifferences(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static KnownDifferences none() {
        return new KnownDifferences(List.of());
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * The first rule matching a test of the given opcode file, or null.
     *
     * @param ours the exception vector this CPU raised running the test, or -1
     */
    public Rule match(String opcode, MooTest t, int ours) {
        for (Rule r : rules) {
            if (r.appliesTo(opcode, t, ours)) {
                return r;
            }
        }
        return null;
    }

    /** The rules shipped for the 80286 real-mode set. */
    public static KnownDifferences bundled80286() {
        try (InputStream in = KnownDifferences.class.getResourceAsStream(BUNDLED_80286)) {
            if (in == null) {
                throw new IllegalStateException("bundled resource " + BUNDLED_80286 + " is missing");
            }
            return parse(BUNDLED_80286, new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static KnownDifferences read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), r);
        }
    }

    static KnownDifferences parse(String source, Reader reader) throws IOException {
        List<Rule> rules = new ArrayList<>();
        BufferedReader in = new BufferedReader(reader);
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new IOException(source + ":" + n + ": expected 'CONDITION opcodes : reason'");
            }
            String[] head = text.substring(0, colon).strip().split("\\s+");
            String reason = text.substring(colon + 1).strip();
            if (head.length != 2 || reason.isEmpty()) {
                throw new IOException(source + ":" + n + ": expected 'CONDITION opcodes : reason'");
            }
            Condition c;
            try {
                c = Condition.valueOf(head[0]);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ":" + n + ": unknown condition " + head[0]);
            }
            Set<String> opcodes = Set.of(head[1].toUpperCase(Locale.ROOT).split(","));
            rules.add(new Rule(c, opcodes, reason, n));
        }
        return new KnownDifferences(rules);
    }
}
