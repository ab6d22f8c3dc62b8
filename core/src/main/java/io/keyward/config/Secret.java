package io.keyward.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A credential held in memory. Its {@link #toString()} is masked so a secret can never reach a log
 * line, an exception message or a record's generated {@code toString} by accident; the only way to
 * the value is {@link #reveal()}, which only the step that injects credentials calls.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /**
     * Resolves a setting given either inline ({@code name}, usually {@code ${ENV_VAR}}) or as a file
     * path ({@code name_file}, e.g. a mounted secret). Exactly one must be set.
     */
    public static Secret fromValueOrFile(String name, String value, String file, boolean required) {
        if (value != null && file != null) {
            throw new ConfigException(name, "set either " + name + " or " + name + "_file, not both");
        }
        if (file != null) {
            try {
                String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw new ConfigException(name + "_file", "the file " + file + " is empty");
                }
                return new Secret(text);
            } catch (IOException e) {
                throw new ConfigException(name + "_file", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (value == null || value.isBlank()) {
            if (required) {
                throw new ConfigException(name, "is required (inline, usually as ${ENV_VAR}, or as " + name + "_file)");
            }
            return null;
        }
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
