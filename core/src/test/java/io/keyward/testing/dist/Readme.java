package io.keyward.testing.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's command blocks, as the distribution tests run them: the tests execute exactly the
 * text a user pastes, so the README cannot drift from what works.
 */
public final class Readme {
    private final List<String> lines;

    private Readme(List<String> lines) {
        this.lines = lines;
    }

    /** The README named by the system property {@code keyward.readme} (set by the build). */
    public static Readme ofBuild() throws IOException {
        String location = System.getProperty("keyward.readme");
        if (location == null) {
            throw new IllegalStateException("system property keyward.readme is not set (run through Maven)");
        }
        return new Readme(Files.readAllLines(Path.of(location), StandardCharsets.UTF_8));
    }

    /**
     * The {@code n}-th (from 0) {@code ```sh} block after the heading line {@code heading}, before the
     * next heading of the same or a higher level.
     */
    public String shellBlock(String heading, int n) {
        int start = lines.indexOf(heading);
        if (start < 0) {
            throw new AssertionError("README has no heading line '" + heading + "'");
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
                    if (line.equals("```sh") && seen++ == n) {
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
        throw new AssertionError("README section '" + heading + "' has no sh block #" + n);
    }

    private static boolean isSameOrHigher(String line, String level) {
        int hashes = line.indexOf(' ');
        return hashes > 0 && line.substring(0, hashes).chars().allMatch(c -> c == '#') && hashes <= level.length() - 1;
    }
}
