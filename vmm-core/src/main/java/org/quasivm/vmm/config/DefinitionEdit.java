package org.quasivm.vmm.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code key=value} change from {@code quasivm set}: a dotted path into the definition and a value read the way
 * the field at that path is typed — {@code memoryMiB=512}, {@code clock=deterministic}, {@code bootOrder=disk,cdrom},
 * {@code debug.postCodes=false}. Typed objects take a short form: {@code serial.com1=file:logs/c1.log},
 * {@code storage.ide.secondaryMaster=cdrom:debian.iso}, {@code storage.floppy.a=image:dos.img},
 * {@code firmware=linux:vmlinuz}; any value may also be written as JSON. Host files named in a value (images, ISOs,
 * kernels, ROMs) are taken relative to the current directory and stored absolute, as {@code create} does.
 */
public record DefinitionEdit(List<String> path, String value) {

    private static final Set<String> IMMUTABLE = Set.of("name", "uuid", "schemaVersion");
    /** Leaf fields that name host files. */
    private static final Set<String> FILE_FIELDS = Set.of("image", "iso", "kernel", "initrd", "rom", "bios",
            "vgaBios");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses {@code key=value}; a malformed assignment is an {@link IllegalArgumentException} (a usage error). */
    public static DefinitionEdit parse(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + assignment + "' is not key=value");
        }
        String key = assignment.substring(0, eq).trim();
        List<String> path = List.of(key.split("\\.", -1));
        if (path.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("'" + key + "' is not a field path (like cpu.executor)");
        }
        if (IMMUTABLE.contains(path.get(0))) {
            throw new IllegalArgumentException("'" + path.get(0) + "' cannot be changed with set"
                    + (path.get(0).equals("name") ? " (use rename)" : ""));
        }
        return new DefinitionEdit(path, assignment.substring(eq + 1));
    }

    public String key() {
        return String.join(".", path);
    }

    /** Names the format of an existing disk image (by its magic), or throws for one that cannot be attached. */
    @FunctionalInterface
    public interface FormatProbe {
        String formatOf(Path image);
    }

    /**
     * Applies the change to a definition tree; {@code cwd} anchors relative host file names, {@code probe} names the
     * format of an image attached with the {@code disk:IMAGE} short form.
     */
    public void apply(ObjectNode definition, Path cwd, FormatProbe probe) {
        ObjectNode parent = definition;
        for (int i = 0; i < path.size() - 1; i++) {
            JsonNode next = parent.get(path.get(i));
            if (next == null || next.isNull()) {
                next = parent.putObject(path.get(i));
            } else if (!next.isObject()) {
                throw new IllegalArgumentException("'" + String.join(".", path.subList(0, i + 1))
                        + "' is not an object");
            }
            parent = (ObjectNode) next;
        }
        String field = path.get(path.size() - 1);
        parent.set(field, valueFor(parent.get(field), field, cwd, probe));
    }

    private JsonNode valueFor(JsonNode current, String field, Path cwd, FormatProbe probe) {
        String v = value;
        if (v.startsWith("{") || v.startsWith("[") || v.startsWith("\"")) {
            return json(v);
        }
        if (FILE_FIELDS.contains(field)) {
            return v.isEmpty() ? NODES.nullNode() : NODES.textNode(hostFile(v, cwd));
        }
        if (current == null || current.isNull()) {
            return guess(v);
        }
        if (current.isObject() && current.has("type")) {
            return shortForm(v, cwd, probe);
        }
        if (current.isArray()) {
            ArrayNode a = NODES.arrayNode();
            for (String item : v.split(",", -1)) {
                a.add(item.trim());
            }
            return a;
        }
        if (current.isNumber() || current.isBoolean()) {
            return guess(v);
        }
        return NODES.textNode(v);
    }

    /** {@code type} or {@code type:argument}; the argument goes to the field that type uses. */
    private static JsonNode shortForm(String v, Path cwd, FormatProbe probe) {
        int colon = v.indexOf(':');
        String type = colon < 0 ? v : v.substring(0, colon);
        String arg = colon < 0 ? null : v.substring(colon + 1);
        ObjectNode o = NODES.objectNode().put("type", type);
        if (arg == null) {
            return o;
        }
        switch (type) {
            case "file", "socket" -> o.put("path", arg);
            case "disk" -> {
                String image = hostFile(arg, cwd);
                o.put("image", image).put("format", probe.formatOf(Path.of(image))).put("readOnly", false);
            }
            case "cdrom" -> o.put("iso", hostFile(arg, cwd));
            case "image" -> o.put("image", hostFile(arg, cwd));
            case "linux" -> o.put("kernel", hostFile(arg, cwd));
            case "custom" -> o.put("rom", hostFile(arg, cwd));
            case "seabios" -> o.put("bios", hostFile(arg, cwd));
            default -> throw new IllegalArgumentException("'" + type + "' takes no argument");
        }
        return o;
    }

    private static String hostFile(String v, Path cwd) {
        Path p = Path.of(v);
        return p.isAbsolute() ? p.normalize().toString() : cwd.resolve(p).toAbsolutePath().normalize().toString();
    }

    /** Numbers, booleans and null as JSON; anything else as text. */
    private static JsonNode guess(String v) {
        if (v.equals("true") || v.equals("false") || v.equals("null") || v.matches("-?\\d+")) {
            return json(v);
        }
        return NODES.textNode(v);
    }

    private static JsonNode json(String v) {
        try {
            return JSON.readTree(v);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("'" + v + "' is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
