package io.keyward.samples.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** CPU time a process and its threads used so far, from /proc (Linux only). */
final class ProcCpu {
    /** Clock ticks per second of /proc/[pid]/stat on Linux (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcCpu() {
    }

    /** User plus system CPU seconds of the given processes. */
    static double seconds(List<Long> pids) throws IOException {
        double total = 0;
        for (long pid : pids) {
            total += statSeconds(Path.of("/proc", Long.toString(pid), "stat"));
        }
        return total;
    }

    /**
     * CPU seconds a JVM's JIT compiler threads (C1 and C2) used so far; 0 for a process that has none.
     * While they still run, a JVM pinned to one CPU is not warm, however steady its throughput looks:
     * the compilers compete with the requests for the core and progress in steps.
     */
    static double jitSeconds(long pid) throws IOException {
        double total = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                try {
                    // The kernel keeps 15 characters of a thread's name: "C2 CompilerThre".
                    if (Files.readString(thread.resolve("comm")).matches("C[12] CompilerThre.*\\s*")) {
                        total += statSeconds(thread.resolve("stat"));
                    }
                } catch (NoSuchFileException ended) {
                    // a thread that ended while we looked (Jetty's pool shrinks): it was no compiler
                }
            }
        }
        return total;
    }

    private static double statSeconds(Path stat) throws IOException {
        String text = Files.readString(stat);
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** The Threads: line of /proc/[pid]/status. */
    static int threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring(8).strip());
            }
        }
        return -1;
    }
}
