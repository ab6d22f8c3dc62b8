package io.keyward.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parameter name as a list of segments, the one form in which form fields, JSON fields, query
 * parameters and path variables are compared: {@code metadata[order_id]} is
 * {@code [metadata, order_id]}, the JSON field {@code to} of the second batch item is
 * {@code [1, to]}. Policy rules use the same form, where {@code *} stands for zero or one segment
 * ({@code to[*]} covers {@code "to": "a@x"} and {@code "to": ["a@x", ...]} alike).
 */
public final class ParamName {
    public static final String ANY = "*";
    private static final Pattern RULE_PART = Pattern.compile("\\[([^\\[\\]]*)\\]|\\.([^\\[\\].]+)");
    private final List<String> segments;
    /** Names are map keys by the ten thousand when a big call is read: the hash is worked out once. */
    private final int hash;

    public ParamName(List<String> segments) {
        this(List.copyOf(segments), true);
    }

    /** @param segments an immutable list, taken as it is */
    private ParamName(List<String> segments, boolean immutable) {
        this.segments = segments;
        this.hash = segments.hashCode();
    }

    public List<String> segments() {
        return segments;
    }

    /** The name this one lies directly beneath ({@code line_items[0]} for {@code line_items[0][quantity]}); the empty name for a top-level one. */
    public ParamName parent() {
        return new ParamName(segments.subList(0, segments.size() - 1), true);
    }

    /** The last segment. */
    public String last() {
        return segments.get(segments.size() - 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParamName name && name.hash == hash && name.segments.equals(segments);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** A name from its segments: {@code of("line_items", "0", "quantity")}. */
    public static ParamName of(String... segments) {
        return new ParamName(List.of(segments));
    }

    /** This name with one more segment: {@code line_items} to {@code line_items[0]}. */
    public ParamName child(String segment) {
        String[] longer = segments.toArray(new String[segments.size() + 1]);
        longer[segments.size()] = segment;
        return new ParamName(List.of(longer), true);
    }

    /**
     * A form or query field name in Stripe's bracket notation: {@code first[a][b]}, every bracket
     * closed, nothing after the last. Read by hand, not by a regular expression: a regex over
     * repeated groups recurses once per group and overflows the stack on a long enough name.
     *
     * @throws IllegalArgumentException when the brackets are not well formed (a vendor's parser
     *     could read such a name in a way the policy did not)
     */
    public static ParamName ofForm(String name) {
        int open = name.indexOf('[');
        String first = open < 0 ? name : name.substring(0, open);
        if (first.isEmpty() || first.indexOf(']') >= 0) {
            throw new IllegalArgumentException("badly formed parameter name");
        }
        List<String> segments = new ArrayList<>(4);
        segments.add(first);
        for (int i = open; i >= 0 && i < name.length(); ) {
            int close = name.indexOf(']', i + 1);
            if (name.charAt(i) != '[' || close < 0 || name.lastIndexOf('[', close) != i) {
                throw new IllegalArgumentException("badly formed parameter name");
            }
            segments.add(name.substring(i + 1, close));
            i = close + 1;
        }
        return new ParamName(segments);
    }

    /**
     * A rule's parameter name: bracket or dot notation, {@code *} for any index or key.
     *
     * @throws IllegalArgumentException when the name cannot be read
     */
    public static ParamName ofRule(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a parameter name is required");
        }
        List<String> segments = new ArrayList<>();
        int i = 0;
        if (name.charAt(0) != '[' && name.charAt(0) != '.') {
            int end = i;
            while (end < name.length() && name.charAt(end) != '[' && name.charAt(end) != '.') {
                end++;
            }
            segments.add(name.substring(0, end));
            i = end;
        }
        Matcher m = RULE_PART.matcher(name);
        while (i < name.length()) {
            if (!m.find(i) || m.start() != i) {
                throw new IllegalArgumentException("cannot read parameter name '" + name + "'");
            }
            segments.add(m.group(1) != null ? m.group(1) : m.group(2));
            i = m.end();
        }
        return new ParamName(segments);
    }

    /** Whether this rule name covers {@code actual}; {@code *} matches zero or one segment. */
    public boolean covers(ParamName actual, boolean ignoreCase) {
        return covers(0, actual.segments, 0, ignoreCase, false);
    }

    /**
     * Whether {@code actual} is this name or lies beneath it: {@code bcc} contains {@code bcc[0]},
     * {@code transfer_data} contains {@code transfer_data[destination]}. What {@code absent} and
     * {@code required} look at, so an array or object cannot slip past a rule on its name.
     */
    public boolean contains(ParamName actual, boolean ignoreCase) {
        return covers(0, actual.segments, 0, ignoreCase, true);
    }

    private boolean covers(int ri, List<String> actual, int ai, boolean ignoreCase, boolean prefix) {
        if (ri == segments.size()) {
            return prefix || ai == actual.size();
        }
        String want = segments.get(ri);
        if (want.equals(ANY)) {
            return covers(ri + 1, actual, ai, ignoreCase, prefix)
                    || ai < actual.size() && covers(ri + 1, actual, ai + 1, ignoreCase, prefix);
        }
        if (ai == actual.size()) {
            return false;
        }
        String got = actual.get(ai);
        boolean same = ignoreCase ? want.toLowerCase(Locale.ROOT).equals(got.toLowerCase(Locale.ROOT)) : want.equals(got);
        return same && covers(ri + 1, actual, ai + 1, ignoreCase, prefix);
    }

    public boolean hasWildcard() {
        return segments.contains(ANY);
    }

    /** Bracket notation: {@code line_items[0][quantity]}, {@code [1][to]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            sb.append(i == 0 ? segments.get(0) : "[" + segments.get(i) + "]");
        }
        return sb.toString();
    }
}
