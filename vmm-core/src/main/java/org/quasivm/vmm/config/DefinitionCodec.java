package org.quasivm.vmm.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.quasivm.templates.GuestTemplate;
import org.quasivm.templates.TemplateCatalog;

/**
 * Reads and writes VM definitions. Reading is strict — unknown fields, wrong types and unknown type names are
 * problems, each reported with its JSON path — and fills what the file leaves out from its template. Meaning (ranges,
 * files that must exist) is {@link DefinitionValidator}'s job.
 */
public final class DefinitionCodec {

    /** Fields whose objects carry a {@code type}, with the names each accepts. */
    private static final Map<String, List<String>> TYPED_PATHS = Map.of(
            "firmware", List.of("seabios", "linux", "custom"),
            "storage.ide.primaryMaster", List.of("empty", "disk", "cdrom"),
            "storage.ide.primarySlave", List.of("empty", "disk", "cdrom"),
            "storage.ide.secondaryMaster", List.of("empty", "disk", "cdrom"),
            "storage.ide.secondarySlave", List.of("empty", "disk", "cdrom"),
            "storage.floppy.a", List.of("empty", "image"),
            "storage.floppy.b", List.of("empty", "image"),
            "serial.com1", List.of("none", "file", "stdio", "socket"),
            "serial.com2", List.of("none", "file", "stdio", "socket"));

    private final TemplateCatalog templates;
    private final ObjectMapper mapper;

    public DefinitionCodec(TemplateCatalog templates) {
        this.templates = templates;
        this.mapper = strictMapper();
    }

    static ObjectMapper strictMapper() {
        JsonMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
        // "256" is not a number and 1 is not a string or a boolean: no silent coercion between JSON kinds.
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Textual, LogicalType.Enum}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, t == LogicalType.Textual
                    || t == LogicalType.Enum ? CoercionAction.TryConvert : CoercionAction.Fail);
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer
                    || t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail);
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.Float, t == LogicalType.Float
                    ? CoercionAction.TryConvert : CoercionAction.Fail);
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean
                    ? CoercionAction.TryConvert : CoercionAction.Fail);
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return m;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Parses, fills from the template, binds and validates. {@code source} names the file in problems; relative
     * paths in the definition resolve against {@code vmDir}.
     */
    public VmDefinition parse(byte[] json, String source, Path vmDir) throws InvalidDefinitionException {
        return bind(withDefaults(readTree(json, source), source), source, vmDir);
    }

    /** The document as a JSON object, after the syntax and schema-version checks. */
    public ObjectNode readTree(byte[] json, String source) throws InvalidDefinitionException {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw invalid(source, "", "not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid(source, "", "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "", "a definition must be a JSON object");
        }
        checkSchemaVersion((ObjectNode) root, source);
        return (ObjectNode) root;
    }

    private static void checkSchemaVersion(ObjectNode root, String source) throws InvalidDefinitionException {
        JsonNode v = root.get("schemaVersion");
        if (v == null || v.isNull()) {
            throw invalid(source, "schemaVersion", "required field is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw invalid(source, "schemaVersion", "expected an integer, found " + kind(v));
        }
        int version = v.intValue();
        if (version > VmDefinition.SCHEMA_VERSION) {
            throw invalid(source, "schemaVersion", "version " + version + " is newer than this QuasiVM reads ("
                    + VmDefinition.SCHEMA_VERSION + "); use a newer QuasiVM");
        }
        if (version < 1) {
            throw invalid(source, "schemaVersion", "unsupported version " + version + " (expected "
                    + VmDefinition.SCHEMA_VERSION + ")");
        }
    }

    /** The document with every field it leaves out taken from its template's defaults. */
    public ObjectNode withDefaults(ObjectNode document, String source) throws InvalidDefinitionException {
        JsonNode os = document.get("guestOs");
        if (os == null || os.isNull()) {
            throw invalid(source, "guestOs", "required field is missing");
        }
        if (!os.isTextual()) {
            throw invalid(source, "guestOs", "expected a string, found " + kind(os));
        }
        Optional<GuestTemplate> template = templates.find(os.asText());
        if (template.isEmpty()) {
            throw invalid(source, "guestOs", "unknown template '" + os.asText() + "' (known: "
                    + String.join(", ", templates.ids()) + ")");
        }
        ObjectNode merged = template.get().defaults();
        merge(merged, document);
        return merged;
    }

    /**
     * Overlays {@code top} onto {@code base}. Objects merge field by field, except that an object whose
     * {@code type} differs replaces the base's whole (a {@code linux} firmware shares nothing with {@code seabios}).
     */
    static void merge(ObjectNode base, ObjectNode top) {
        Iterator<Map.Entry<String, JsonNode>> fields = top.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode b = base.get(f.getKey());
            JsonNode t = f.getValue();
            if (b instanceof ObjectNode bo && t instanceof ObjectNode to && sameType(bo, to)) {
                merge(bo, to);
            } else {
                base.set(f.getKey(), t.deepCopy());
            }
        }
    }

    private static boolean sameType(ObjectNode a, ObjectNode b) {
        JsonNode ta = a.get("type");
        JsonNode tb = b.get("type");
        return ta == null || tb == null || ta.equals(tb);
    }

    /**
     * Binds a complete document to a definition and validates it, reporting every problem in one pass: structural
     * ones (unknown fields, wrong kinds) and, for the fields that bound, semantic ones ({@link DefinitionValidator}).
     */
    public VmDefinition bind(ObjectNode document, String source, Path vmDir) throws InvalidDefinitionException {
        List<DefinitionProblem> problems = new ArrayList<>();
        checkTypeNames(document, "", problems);
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException(source, problems);
        }
        ProblemCollector collector = new ProblemCollector(problems);
        VmDefinition def;
        try {
            def = mapper.copy().addHandler(collector).treeToValue(document, VmDefinition.class);
        } catch (JsonProcessingException e) {
            String path = pathOf(e);
            problems.add(new DefinitionProblem(path, describe(e, document.at(pointer(path)))));
            throw new InvalidDefinitionException(source, problems);
        }
        for (DefinitionProblem p : DefinitionValidator.validate(def, vmDir)) {
            if (problems.stream().noneMatch(b -> p.path().equals(b.path()) || p.path().startsWith(b.path() + "."))) {
                problems.add(p);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException(source, problems);
        }
        return def;
    }

    /** Every polymorphic object must name a known {@code type}; Jackson's own message for this is unreadable. */
    private static void checkTypeNames(JsonNode node, String path, List<DefinitionProblem> problems) {
        List<String> names = TYPED_PATHS.get(path);
        if (names != null && node.isObject()) {
            JsonNode type = node.get("type");
            if (type == null || type.isNull()) {
                problems.add(new DefinitionProblem(path + ".type", "required field is missing (one of "
                        + String.join(", ", names) + ")"));
            } else if (!type.isTextual() || !names.contains(type.asText())) {
                problems.add(new DefinitionProblem(path + ".type", "unknown type " + type
                        + " (expected one of " + String.join(", ", names) + ")"));
            }
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> checkTypeNames(f.getValue(),
                    path.isEmpty() ? f.getKey() : path + "." + f.getKey(), problems));
        }
    }

    /** Writes a definition as the canonical, indented JSON stored on disk. */
    public byte[] write(VmDefinition definition) {
        try {
            byte[] body = mapper.writeValueAsBytes(definition);
            byte[] withNewline = new byte[body.length + 1];
            System.arraycopy(body, 0, withNewline, 0, body.length);
            withNewline[body.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a definition record must always serialize", e);
        }
    }

    /** A definition as a JSON tree (for editing with {@code set}). */
    public ObjectNode toTree(VmDefinition definition) {
        return mapper.valueToTree(definition);
    }

    static InvalidDefinitionException invalid(String source, String path, String message) {
        return new InvalidDefinitionException(source, List.of(new DefinitionProblem(path, message)));
    }

    static String kind(JsonNode n) {
        if (n.isTextual()) {
            return "a string";
        } else if (n.isIntegralNumber()) {
            return "an integer";
        } else if (n.isNumber()) {
            return "a number";
        } else if (n.isBoolean()) {
            return "a boolean";
        } else if (n.isArray()) {
            return "an array";
        } else if (n.isObject()) {
            return "an object";
        }
        return "null";
    }

    private static String pathOf(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            StringBuilder sb = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    if (!sb.isEmpty()) {
                        sb.append('.');
                    }
                    sb.append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    sb.append('[').append(r.getIndex()).append(']');
                }
            }
            return sb.toString();
        }
        return "";
    }

    /** {@code storage.ide.primaryMaster} or {@code bootOrder[1]} as a JSON pointer. */
    private static String pointer(String path) {
        return path.isEmpty() ? "" : "/" + path.replace(".", "/").replace("[", "/").replace("]", "");
    }

    private static String describe(JsonProcessingException e, JsonNode found) {
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null
                && !found.isMissingNode()) {
            return "expected " + ProblemCollector.expected(m.getTargetType()) + ", found " + kind(found);
        }
        String msg = e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    /** Turns Jackson's recoverable complaints into problems with paths, so one pass reports them all. */
    private static final class ProblemCollector extends DeserializationProblemHandler {
        private final List<DefinitionProblem> problems;

        ProblemCollector(List<DefinitionProblem> problems) {
            this.problems = problems;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                             JsonDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) throws IOException {
            String parent = path(p.getParsingContext().getParent());
            problems.add(new DefinitionProblem(join(parent, propertyName), "unknown field"));
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t,
                                            JsonParser p, String failureMsg) throws IOException {
            problems.add(new DefinitionProblem(path(p.getParsingContext()),
                    "expected " + expected(targetType.getRawClass()) + ", found " + token(t)));
            p.skipChildren();
            return null;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                                             String failureMsg) {
            problems.add(new DefinitionProblem(path(ctxt.getParser().getParsingContext()),
                    "'" + value + "' is not " + expected(targetType)));
            return null;
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value,
                                             String failureMsg) {
            problems.add(new DefinitionProblem(path(ctxt.getParser().getParsingContext()),
                    value + " is not " + expected(targetType)));
            return null;
        }

        static String expected(Class<?> type) {
            if (type.isEnum()) {
                StringBuilder sb = new StringBuilder("one of ");
                Object[] constants = type.getEnumConstants();
                for (int i = 0; i < constants.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(constants[i] instanceof JsonName n ? n.json() : constants[i]);
                }
                return sb.toString();
            }
            if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
                return "an integer";
            }
            if (type == Boolean.class || type == boolean.class) {
                return "a boolean (true or false)";
            }
            if (type == String.class) {
                return "a string";
            }
            if (List.class.isAssignableFrom(type)) {
                return "an array";
            }
            return "an object";
        }

        private static String token(JsonToken t) {
            if (t == null) {
                return "nothing";
            }
            return switch (t) {
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT -> "an integer";
                case VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case START_ARRAY -> "an array";
                case START_OBJECT -> "an object";
                case VALUE_NULL -> "null";
                default -> t.asString() == null ? t.name() : t.asString();
            };
        }

        private static String path(JsonStreamContext ctx) {
            List<String> parts = new ArrayList<>();
            for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inObject() && c.getCurrentName() != null) {
                    parts.add(0, c.getCurrentName());
                } else if (c.inArray()) {
                    parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String part : parts) {
                if (!sb.isEmpty() && !part.startsWith("[")) {
                    sb.append('.');
                }
                sb.append(part);
            }
            return sb.toString();
        }

        private static String join(String parent, String name) {
            return parent.isEmpty() ? name : parent + "." + name;
        }
    }
}
