package org.quasivm.exec.cputest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs a directory of SingleStepTests MOO files through the software CPU: {@code quasivm cputest --moo DIR [--json]}.
 * Undefined flags are masked per the directory's {@code metadata.json}; cases a known-differences rule matches are left
 * out of both counts and reported as excluded; the last line is exactly {@code N passed, M failed}.
 */
public final class MooSuite {

    /** Results of one opcode file. */
    public record OpcodeResult(String opcode, int passed, int failed, int excluded, List<String> failures) {
    }

    /** Results of a run. */
    public record Result(List<OpcodeResult> opcodes, Map<String, Integer> excludedByRule) {
        public int passed() {
            return opcodes.stream().mapToInt(OpcodeResult::passed).sum();
        }

        public int failed() {
            return opcodes.stream().mapToInt(OpcodeResult::failed).sum();
        }

        public int excluded() {
            return opcodes.stream().mapToInt(OpcodeResult::excluded).sum();
        }
    }

    private static final int FAILURES_KEPT = 5;

    private MooSuite() {
    }

    /** The opcode key of a file: {@code F6.6.MOO.gz} → {@code F6.6}. */
    static String opcodeOf(Path file) {
        String n = file.getFileName().toString();
        int i = n.indexOf(".MOO");
        return i < 0 ? n : n.substring(0, i);
    }

    /** A hint naming the subdirectories that do hold MOO files (a test set keeps one per CPU mode). */
    private static String subdirectoriesWithMooFiles(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path sub : s.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> t = Files.list(sub)) {
                    if (t.anyMatch(p -> p.getFileName().toString().matches("(?i).*\\.MOO(\\.gz)?"))) {
                        found.add(sub.toString());
                    }
                }
            }
        }
        return found.isEmpty() ? "" : " (they are in " + String.join(", ", found) + ")";
    }

    /** Runs every {@code *.MOO} / {@code *.MOO.gz} file in {@code dir} whose opcode key matches {@code only}. */
    public static Result run(Path dir, KnownDifferences known, Pattern only) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory of MOO files");
        }
        FlagMasks masks = FlagMasks.read(dir.resolve("metadata.json"));
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("(?i).*\\.MOO(\\.gz)?"))
                    .filter(p -> only == null || only.matcher(opcodeOf(p)).matches())
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no MOO files" + subdirectoriesWithMooFiles(dir));
        }
        MooHarness harness = new MooHarness();
        List<OpcodeResult> results = new ArrayList<>();
        Map<String, Integer> byRule = new LinkedHashMap<>();
        for (Path f : files) {
            String opcode = opcodeOf(f);
            int flagsMask = masks.mask(opcode);
            int passed = 0;
            int failed = 0;
            int excluded = 0;
            List<String> failures = new ArrayList<>();
            for (MooTest t : MooReader.read(f)) {
                String diff;
                try {
                    diff = harness.run(t, flagsMask);
                } catch (RuntimeException e) {
                    diff = "exception " + e;
                }
                KnownDifferences.Rule rule = known.match(opcode, t, harness.lastException);
                if (rule != null) {
                    excluded++;
                    byRule.merge(rule.condition().name(), 1, Integer::sum);
                    continue;
                }
                if (diff == null) {
                    passed++;
                } else {
                    failed++;
                    if (failures.size() < FAILURES_KEPT) {
                        failures.add("#" + t.index() + " " + t.name() + " " + hex(t.bytes()) + ": " + diff);
                    }
                }
            }
            results.add(new OpcodeResult(opcode, passed, failed, excluded, failures));
        }
        return new Result(results, byRule);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < b.length; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02X", b[i] & 0xFF));
        }
        return sb.append(']').toString();
    }

    /** Undefined-flag masks from metadata.json, per opcode and per ModRM.reg for group opcodes. */
    static final class FlagMasks {
        private final JsonNode opcodes;

        private FlagMasks(JsonNode opcodes) {
            this.opcodes = opcodes;
        }

        static FlagMasks read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                return new FlagMasks(null);
            }
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            JsonNode ops = root.get("opcodes");
            if (ops == null || !ops.isObject()) {
                throw new IOException(file + ": no \"opcodes\" object");
            }
            return new FlagMasks(ops);
        }

        int mask(String opcode) {
            if (opcodes == null) {
                return 0xFFFF;
            }
            String[] parts = opcode.split("\\.");
            JsonNode n = opcodes.get(parts[0]);
            if (n != null && parts.length > 1 && n.has("reg")) {
                n = n.get("reg").get(parts[1]);
            }
            if (n == null || !n.has("flags-mask")) {
                return 0xFFFF;
            }
            return n.get("flags-mask").asInt() & 0xFFFF;
        }
    }

    public static void printText(Result r, PrintStream out) {
        for (OpcodeResult o : r.opcodes()) {
            out.printf("%-8s %6d passed %6d failed %6d excluded%n", o.opcode(), o.passed(), o.failed(), o.excluded());
            for (String f : o.failures()) {
                out.println("    " + f);
            }
        }
        r.excludedByRule().forEach((rule, n) -> out.printf("excluded by %s: %d%n", rule, n));
        out.println(r.excluded() + " excluded");
        out.println(r.passed() + " passed, " + r.failed() + " failed");
    }

    public static void printJson(Result r, PrintStream out) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode ops = root.putArray("opcodes");
        for (OpcodeResult o : r.opcodes()) {
            ObjectNode n = ops.addObject();
            n.put("opcode", o.opcode());
            n.put("passed", o.passed());
            n.put("failed", o.failed());
            n.put("excluded", o.excluded());
            ArrayNode f = n.putArray("failures");
            o.failures().forEach(f::add);
        }
        ObjectNode rules = root.putObject("excludedByRule");
        r.excludedByRule().forEach(rules::put);
        root.put("passed", r.passed());
        root.put("failed", r.failed());
        root.put("excluded", r.excluded());
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /**
     * {@code --moo DIR [--json] [--known FILE] [--only REGEX]}. Exit status 0 when nothing failed, 1 when tests
     * failed, 2 on a usage or input error.
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path dir = null;
        Path knownFile = null;
        Pattern only = null;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--moo" -> dir = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--known" -> knownFile = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--only" -> only = i + 1 < args.length ? Pattern.compile(args[++i]) : null;
                case "--json" -> json = true;
                default -> {
                    err.println("cputest: unknown argument " + args[i]);
                    return 2;
                }
            }
        }
        if (dir == null) {
            err.println("usage: cputest --moo DIR [--json] [--known FILE] [--only REGEX]");
            return 2;
        }
        try {
            KnownDifferences known = knownFile == null ? KnownDifferences.bundled80286() : KnownDifferences.read(knownFile);
            Result r = run(dir, known, only);
            if (json) {
                printJson(r, out);
            } else {
                printText(r, out);
            }
            return r.failed() == 0 ? 0 : 1;
        } catch (IOException e) {
            err.println("cputest: " + e.getMessage());
            return 2;
        }
    }
}
