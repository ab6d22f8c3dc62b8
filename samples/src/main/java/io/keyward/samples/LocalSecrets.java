package io.keyward.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets the quickstart keeps in its data folder, created once with owner-only permissions: the
 * key pepper (keys issued before a restart must still verify after it), the admin token and the
 * embedded database's password.
 */
final class LocalSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalSecrets() {
    }

    /** The file's content, creating it with 32 random bytes (base64url) first if it does not exist. */
    static String readOrCreate(Path file, String prefix) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String value = random(prefix);
        write(file, value);
        return value;
    }

    /** 32 random bytes, base64url, after {@code prefix}. */
    static String random(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Creates {@code file} owner-only (0600) and writes {@code value} into it. */
    static void write(Path file, String value) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    }
}
