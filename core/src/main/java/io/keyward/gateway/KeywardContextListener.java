package io.keyward.gateway;

import io.keyward.config.ConfigException;
import io.keyward.config.ConfigLoader;
import io.keyward.config.KeywardConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Keyward when its web app starts and stops it with the web app. The config file is found,
 * first match wins, at: the context init-param {@code keyward.config}, the system property
 * {@code keyward.config}, the environment variable {@code KEYWARD_CONFIG}. Every other non-blank
 * context init-param named {@code keyward.<key>} sets that config key over the file's value (for
 * instance {@code keyward.database.url}): this is how a Jetty {@code start.d/keyward.ini} or a Tomcat
 * context {@code <Parameter>} reaches the config. A bad config fails the web app's start, and the
 * cause is one line on standard error ({@link StartFailure}).
 */
public final class KeywardContextListener implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(KeywardContextListener.class);
    public static final String CONFIG_PARAM = "keyward.config";
    private static final String PREFIX = "keyward.";

    @Override
    public void contextInitialized(ServletContextEvent sce) {
        ServletContext context = sce.getServletContext();
        String location = configLocation(context);
        if (location == null) {
            throw StartFailure.reported("no config: set the context parameter or system property "
                    + CONFIG_PARAM + ", or the environment variable KEYWARD_CONFIG", null);
        }
        try {
            KeywardConfig config = ConfigLoader.fromEnvironment().load(Path.of(location), overrides(context));
            context.setAttribute(Keyward.CONTEXT_ATTRIBUTE, Keyward.start(config, context.getContextPath()));
        } catch (ConfigException e) {
            // The message names the key and never the value; a stack trace would add only noise.
            throw StartFailure.reported("config " + location + ": " + e.getMessage(), null);
        } catch (java.sql.SQLException e) {
            throw StartFailure.reported("cannot open its database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // A driver's message can quote SQL parameters: the line names the exceptions only.
            throw StartFailure.reported(Faults.describe(e), e);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent sce) {
        Object running = sce.getServletContext().getAttribute(Keyward.CONTEXT_ATTRIBUTE);
        if (running instanceof Keyward keyward) {
            try {
                keyward.close();
            } catch (Exception e) {
                LOG.warn("Keyward did not stop cleanly: {}", e.getClass().getName());
            }
        }
    }

    private static Map<String, String> overrides(ServletContext context) {
        Map<String, String> overrides = new TreeMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            String value = context.getInitParameter(name);
            if (name.startsWith(PREFIX) && !name.equals(CONFIG_PARAM) && value != null && !value.isBlank()) {
                overrides.put(name.substring(PREFIX.length()), value);
            }
        }
        return overrides;
    }

    private static String configLocation(ServletContext context) {
        String fromContext = context.getInitParameter(CONFIG_PARAM);
        if (fromContext != null && !fromContext.isBlank()) {
            return fromContext;
        }
        String fromProperty = System.getProperty(CONFIG_PARAM);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty;
        }
        return System.getenv("KEYWARD_CONFIG");
    }
}
