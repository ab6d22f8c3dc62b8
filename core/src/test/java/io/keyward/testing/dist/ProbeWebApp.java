package io.keyward.testing.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.example.probe.ProbeServlet;

/** Writes the "existing, unrelated web app" of the distribution tests as an exploded WAR. */
public final class ProbeWebApp {
    private static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <servlet><servlet-name>probe</servlet-name><servlet-class>org.example.probe.ProbeServlet</servlet-class></servlet>
              <servlet-mapping><servlet-name>probe</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
            </web-app>
            """;

    private ProbeWebApp() {
    }

    public static void writeTo(Path webappDirectory) throws IOException {
        String classFile = ProbeServlet.class.getName().replace('.', '/') + ".class";
        Path target = webappDirectory.resolve("WEB-INF/classes").resolve(classFile);
        Files.createDirectories(target.getParent());
        try (InputStream in = ProbeServlet.class.getClassLoader().getResourceAsStream(classFile)) {
            Files.copy(in, target);
        }
        Files.writeString(webappDirectory.resolve("WEB-INF/web.xml"), WEB_XML);
    }
}
