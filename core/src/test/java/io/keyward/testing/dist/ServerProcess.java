package io.keyward.testing.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stock server started as its own process, its output in a log file. {@link #close()} stops it
 * (SIGTERM, the server's own shutdown) and asserts that it and every process it started are gone.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ServerProcess start(List<String> command, Path directory, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return new ServerProcess(process, log);
    }

    /**
     * Waits until the server's output has a line matching {@code pattern} and returns its first
     * group; fails at once if the server exits.
     */
    public String awaitLog(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(output());
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + " before '" + pattern + "':\n" + output());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not log '" + pattern + "' within " + timeout + ":\n" + output());
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /**
     * Sends SIGTERM to the server's processes, children first (as Ctrl-C reaches a whole foreground
     * job), waits for each to exit and fails if any is still there.
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> family = new java.util.ArrayList<>(process.descendants().toList());
        family.forEach(ProcessHandle::destroy);
        family.add(process.toHandle());
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("server did not stop within 30 s of SIGTERM");
        }
        for (ProcessHandle member : family) {
            member.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            if (member.isAlive()) {
                throw new AssertionError("process " + member.pid() + " outlived the server");
            }
        }
    }
}
