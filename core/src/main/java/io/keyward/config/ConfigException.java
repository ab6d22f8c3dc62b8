package io.keyward.config;

/**
 * Invalid configuration. Startup stops with this message, which names the offending key and never
 * quotes the value (the value may be a secret).
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The key, relative to the object that rejected it. */
    public String key() {
        return key;
    }

    /** The complaint without the key. */
    public String complaint() {
        return getMessage().substring(key.length() + 2);
    }
}
