package io.keyward.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time a process and its children-threads used so far, from /proc (Linux only). */
final class ProcCpu {
    /** Clock ticks per second of /proc/[pid]/stat on Linux (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcCpu() {
    }

    /** User plus system CPU seconds of the given processes. */
    static double seconds(List<Long> pids) throws IOException {
        double total = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        }
        return total;
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
