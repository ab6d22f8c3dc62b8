package io.keyward.testing.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a shell script the way a user pasting it would, and fails the test if it fails. */
public final class Shell {
    private Shell() {
    }

    public static String run(String script, Path directory, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("script did not finish: " + script);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError("script failed with exit " + process.exitValue() + ":\n" + script + "\noutput:\n" + text);
        }
        return text;
    }

    /** Unpacks a tar.gz with the system's tar, which keeps the files' modes (start scripts stay executable). */
    public static void untar(Path tarball, Path into) throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(into);
        run("tar xzf \"$TARBALL\"", into, Map.of("TARBALL", tarball.toString()));
    }
}
