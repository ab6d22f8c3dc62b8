package io.keyward.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML config into {@link KeywardConfig}. {@code ${NAME}} and {@code ${NAME:-default}} in
 * string values are replaced from the environment first, so secrets need not sit in the file.
 * Unknown keys, wrong types and invalid values stop startup with a message naming the key; values
 * are never quoted back, since a value may be a secret.
 */
public final class ConfigLoader {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final ObjectMapper yaml = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private final Function<String, String> environment;

    public ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    /** A loader that substitutes from the process environment. */
    public static ConfigLoader fromEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    public KeywardConfig load(Path file) {
        return load(file, Map.of());
    }

    /**
     * Reads the file, then sets each override (a dotted key such as {@code database.url}, a string
     * value) over what the file says. Containers pass their own settings this way: a Jetty
     * {@code start.d/keyward.ini} or a Tomcat context {@code <Parameter>}. Overrides are checked like
     * the file's own keys, so a misspelt one stops startup naming it, and {@code ${NAME}} in them is
     * read from the environment as in the file, so a container's settings need not hold a secret.
     */
    public KeywardConfig load(Path file, Map<String, String> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("config", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return parse(text, overrides);
    }

    public KeywardConfig parse(String yamlText) {
        return parse(yamlText, Map.of());
    }

    public KeywardConfig parse(String yamlText, Map<String, String> overrides) {
        JsonNode tree;
        try {
            tree = yaml.readTree(yamlText);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException("config", "is not valid YAML" + where);
        }
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("config", "must be a YAML mapping");
        }
        overrides.forEach((key, value) -> override((ObjectNode) tree, key, value));
        substitute(tree, "");
        checkKnownKeys(tree, KeywardConfig.class, "");
        try {
            return yaml.treeToValue(tree, KeywardConfig.class);
        } catch (JsonMappingException e) {
            throw translate(e);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config", "cannot be read");
        }
    }

    /**
     * Rejects unknown keys before binding. Jackson reports an unknown property only after the
     * record's creator ran, so a misspelt key would otherwise surface as "the right key is missing".
     * The known keys are the {@code @JsonProperty} names of each config record's {@code @JsonCreator}.
     */
    private static void checkKnownKeys(JsonNode node, java.lang.reflect.Type type, String path) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        if (type instanceof java.lang.reflect.ParameterizedType generic && generic.getRawType() == Map.class) {
            java.lang.reflect.Type valueType = generic.getActualTypeArguments()[1];
            object.fields().forEachRemaining(f -> checkKnownKeys(f.getValue(), valueType, join(path, f.getKey())));
            return;
        }
        if (!(type instanceof Class<?> record)) {
            return;
        }
        Map<String, java.lang.reflect.Type> known = new java.util.LinkedHashMap<>();
        for (java.lang.reflect.Method m : record.getDeclaredMethods()) {
            if (m.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonCreator.class)) {
                for (java.lang.reflect.Parameter p : m.getParameters()) {
                    known.put(p.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class).value(), p.getParameterizedType());
                }
            }
        }
        if (known.isEmpty()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String childPath = join(path, field.getKey());
            if (!known.containsKey(field.getKey())) {
                throw new ConfigException(childPath, "unknown key; known keys here: " + String.join(", ", known.keySet()));
            }
            checkKnownKeys(field.getValue(), known.get(field.getKey()), childPath);
        }
    }

    private static void override(ObjectNode root, String dottedKey, String value) {
        String[] parts = dottedKey.split("\\.", -1);
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                throw new ConfigException(dottedKey, "is not a valid key");
            }
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!child.isObject()) {
                throw new ConfigException(dottedKey, "cannot be set: " + parts[i] + " is not a mapping");
            }
            node = (ObjectNode) child;
        }
        if (parts[parts.length - 1].isEmpty()) {
            throw new ConfigException(dottedKey, "is not a valid key");
        }
        node.put(parts[parts.length - 1], value);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void substitute(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(expand(field.getValue().textValue(), childPath)));
                } else {
                    substitute(field.getValue(), childPath);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(expand(array.get(i).textValue(), path + "[" + i + "]")));
                } else {
                    substitute(array.get(i), path + "[" + i + "]");
                }
            }
        }
    }

    private String expand(String text, String path) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = environment.apply(m.group(1));
            if (value == null || value.isEmpty()) {
                value = m.group(2);
            }
            if (value == null) {
                throw new ConfigException(path, "environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static ConfigException translate(JsonMappingException e) {
        String path = pathOf(e);
        Throwable cause = e.getCause();
        if (cause instanceof ConfigException inner) {
            return new ConfigException(path.isEmpty() ? inner.key() : path + "." + inner.key(), inner.complaint());
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            String expected = e instanceof MismatchedInputException m && m.getTargetType() != null
                    ? m.getTargetType().getSimpleName() : "another type";
            if (e.getMessage() != null && e.getMessage().startsWith("Missing required creator property")) {
                return new ConfigException(path, "is required");
            }
            return new ConfigException(path, "has the wrong type (expected " + describe(expected) + ")");
        }
        return new ConfigException(path.isEmpty() ? "config" : path, "is invalid");
    }

    private static String describe(String javaType) {
        return switch (javaType) {
            case "Integer", "int", "Long", "long" -> "a whole number";
            case "Boolean", "boolean" -> "true or false";
            case "String" -> "a string";
            case "Map", "LinkedHashMap" -> "a mapping";
            default -> "a mapping or value of the documented form";
        };
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
