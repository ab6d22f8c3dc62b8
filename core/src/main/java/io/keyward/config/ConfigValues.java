package io.keyward.config;

import java.net.URI;
import java.time.Duration;

/** Parsing helpers shared by the config records; each failure names the key. */
final class ConfigValues {
    private ConfigValues() {
    }

    static Duration duration(String key, String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** An absolute http(s) URL with a host and nothing after it but an optional path. */
    static URI baseUrl(String key, String text) {
        if (text == null) {
            throw new ConfigException(key, "is required");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(key, "is not a valid URL");
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigException(key, "must be an http(s) URL with a host and no user, query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path);
    }
}
