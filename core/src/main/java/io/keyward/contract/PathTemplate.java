package io.keyward.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A path with {@code {name}} segments, each matching exactly one decoded path segment. For Twilio's
 * 2010 API a trailing {@code .json} on the last segment is optional on both sides, so
 * {@code /Messages.json} and {@code /Messages} are the same operation (Twilio answers XML without it).
 */
public final class PathTemplate {
    private static final String JSON_SUFFIX = ".json";
    private final String text;
    private final List<String> segments;
    private final boolean optionalJsonSuffix;

    private PathTemplate(String text, List<String> segments, boolean optionalJsonSuffix) {
        this.text = text;
        this.segments = segments;
        this.optionalJsonSuffix = optionalJsonSuffix;
    }

    /** @throws IllegalArgumentException when the template is not {@code /segment/{name}/...} */
    public static PathTemplate of(String template, boolean optionalJsonSuffix) {
        if (template == null || !template.startsWith("/") || template.contains("//") || template.contains("?")) {
            throw new IllegalArgumentException("a path template starts with / and has no empty segments or query");
        }
        List<String> segments = new ArrayList<>();
        for (String s : template.substring(1).split("/", -1)) {
            if (s.contains("{") || s.contains("}")) {
                if (!s.matches("\\{[A-Za-z_][A-Za-z0-9_]*}(\\.json)?")) {
                    throw new IllegalArgumentException("a variable fills a whole segment, like {id}");
                }
            }
            segments.add(optionalJsonSuffix ? stripSuffix(s) : s);
        }
        return new PathTemplate(template, Collections.unmodifiableList(segments), optionalJsonSuffix);
    }

    /** The variables when the decoded path segments match, else empty. */
    public Optional<Map<String, String>> match(List<String> pathSegments) {
        if (pathSegments.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String want = segments.get(i);
            String got = optionalJsonSuffix && i == segments.size() - 1 ? stripSuffix(pathSegments.get(i)) : pathSegments.get(i);
            if (want.startsWith("{")) {
                if (got.isEmpty()) {
                    return Optional.empty();
                }
                vars.put(want.substring(1, want.length() - 1), got);
            } else if (!want.equals(got)) {
                return Optional.empty();
            }
        }
        return Optional.of(vars);
    }

    /** Whether segment {@code index} is fixed text, not a {@code {variable}}. */
    public boolean isLiteral(int index) {
        return !segments.get(index).startsWith("{");
    }

    /** How many literal segments it has: when two templates match, the more literal one wins. */
    public int literalSegments() {
        return (int) segments.stream().filter(s -> !s.startsWith("{")).count();
    }

    private static String stripSuffix(String segment) {
        return segment.endsWith(JSON_SUFFIX) ? segment.substring(0, segment.length() - JSON_SUFFIX.length()) : segment;
    }

    @Override
    public String toString() {
        return text;
    }
}
