package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/**
 * Prints what the gateway answered: its JSON as one line per object for scripts, or short text
 * lines for people. Values are printed as the gateway sent them (agents choose agent names, run ids
 * and paths), with control characters shown escaped so that none can rewrite the operator's terminal.
 */
final class Printer {
    private final PrintWriter out;
    private final boolean json;

    Printer(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    void json(JsonNode node) {
        out.println(node.toString());
    }

    /** {@code label: value} pairs on one line, in the order given; missing and null fields are left out. */
    void fields(JsonNode node, String... names) {
        StringBuilder line = new StringBuilder();
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!line.isEmpty()) {
                line.append("  ");
            }
            line.append(name).append('=').append(safe(value.isValueNode() ? value.asText() : value.toString()));
        }
        out.println(line);
    }

    /** The gateway's JSON as it came, or these fields of it as text. */
    void show(JsonNode node, String... fields) {
        if (json) {
            json(node);
        } else {
            fields(node, fields);
        }
    }

    void line(String text) {
        out.println(safe(text));
    }

    /** Escapes control characters (an ANSI escape in an agent name must not reach the terminal as one). */
    static String safe(String text) {
        StringBuilder s = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT) {
                s.append(String.format("\\u%04x", c));
            } else {
                s.appendCodePoint(c);
            }
        });
        return s.toString();
    }
}
