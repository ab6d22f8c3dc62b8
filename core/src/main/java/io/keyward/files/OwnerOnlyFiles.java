package io.keyward.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The node-local files Keyward keeps (the audit spool, the forward journal, the settle journal)
 * name agents, runs and reservations: their folder is the owner's alone (0700) and so is each file
 * (0600), on file systems with POSIX permissions (not on Windows), also when an older one is looser.
 */
public final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {
    }

    /** Creates {@code dir} if needed and closes it, and the files named, to all but the owner. */
    public static void folder(Path dir, Path... files) throws IOException {
        Files.createDirectories(dir);
        restrict(dir, FOLDER);
        for (Path file : files) {
            if (Files.exists(file)) {
                restrict(file, FILE);
            }
        }
    }

    /** Opens a file for writing, creating it owner-only. */
    public static FileChannel open(Path file, StandardOpenOption... options) throws IOException {
        boolean created = !Files.exists(file);
        Set<StandardOpenOption> all = new HashSet<>(List.of(options));
        all.add(StandardOpenOption.CREATE);
        all.add(StandardOpenOption.WRITE);
        FileChannel channel = Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null
                ? FileChannel.open(file, all, PosixFilePermissions.asFileAttribute(FILE))
                : FileChannel.open(file, all);
        if (created) {
            // The umask may have narrowed the mode asked for; never widened it. Set it as meant.
            restrict(file, FILE);
        }
        return channel;
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }
}
