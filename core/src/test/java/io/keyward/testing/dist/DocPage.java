package io.keyward.testing.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fenced blocks of a page of {@code docs/}, as tests run them: the install guide's commands
 * ({@code docs/install.md}) in the distribution tests, the documented SQL in the store's, so a page
 * cannot drift from what works.
 */
public final class DocPage {
    private final Path location;
    private final List<String> lines;

    private DocPage(Path location, List<String> lines) {
        this.location = location;
        this.lines = lines;
    }

    /** The install guide, named by the system property {@code keyward.install.doc} (set by the build). */
    public static DocPage installGuide() throws IOException {
        String location = System.getProperty("keyward.install.doc");
        if (location == null) {
            throw new IllegalStateException("system property keyward.install.doc is not set (run through Maven)");
        }
        return of(Path.of(location));
    }

    public static DocPage of(Path location) throws IOException {
        return new DocPage(location, Files.readAllLines(location, StandardCharsets.UTF_8));
    }

    /** The {@code n}-th (from 0) {@code ```sh} block of the section {@code heading}. */
    public String shellBlock(String heading, int n) {
        return block(heading, n, "sh");
    }

    /**
     * The {@code n}-th (from 0) block fenced as {@code ```language} after the heading line
     * {@code heading}, before the next heading of the same or a higher level.
     */
    public String block(String heading, int n, String language) {
        int start = lines.indexOf(heading);
        if (start < 0) {
            throw new AssertionError(location + " has no heading line '" + heading + "'");
        }
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int seen = 0;
        boolean inFence = false;
        StringBuilder block = null;
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!inFence && line.startsWith("#") && isSameOrHigher(line, level)) {
                break;
            }
            if (line.startsWith("```")) {
                if (!inFence) {
                    inFence = true;
                    if (line.equals("```" + language) && seen++ == n) {
                        block = new StringBuilder();
                    }
                } else {
                    inFence = false;
                    if (block != null) {
                        return block.toString();
                    }
                }
                continue;
            }
            if (block != null) {
                block.append(line).append('\n');
            }
        }
        throw new AssertionError(location + " section '" + heading + "' has no " + language + " block #" + n);
    }

    private static boolean isSameOrHigher(String line, String level) {
        int hashes = line.indexOf(' ');
        return hashes > 0 && line.substring(0, hashes).chars().allMatch(c -> c == '#') && hashes <= level.length() - 1;
    }
}
