package org.quasivm.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The templates shipped with QuasiVM, read from JSON resources in this package. The order of {@code index.json} is
 * the order listings show.
 */
public final class TemplateCatalog {

    private static final String INDEX = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Map<String, GuestTemplate> templates;

    private TemplateCatalog(Map<String, GuestTemplate> templates) {
        this.templates = templates;
    }

    /** The built-in catalog. A broken resource is a build defect, so it fails loudly. */
    public static TemplateCatalog builtIn() {
        Map<String, GuestTemplate> byId = new LinkedHashMap<>();
        for (String id : read(INDEX, String[].class)) {
            GuestTemplate t = read(id + ".json", GuestTemplate.class);
            if (!t.id().equals(id)) {
                throw new IllegalStateException("template resource " + id + ".json declares id " + t.id());
            }
            byId.put(id, t);
        }
        return new TemplateCatalog(Collections.unmodifiableMap(byId));
    }

    public List<GuestTemplate> all() {
        return List.copyOf(templates.values());
    }

    public Optional<GuestTemplate> find(String id) {
        return Optional.ofNullable(templates.get(id));
    }

    public List<String> ids() {
        return List.copyOf(templates.keySet());
    }

    private static <T> T read(String resource, Class<T> type) {
        try (InputStream in = TemplateCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing template resource " + resource);
            }
            return JSON.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("template resource " + resource + ": " + e.getMessage(), e);
        }
    }
}
