package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the store lives: a JDBC URL with a small pool of Keyward's own, or a container-managed
 * DataSource looked up by JNDI name (Tomcat's {@code java:comp/env/jdbc/keyward}).
 */
public record DatabaseConfig(String url, String user, Secret password, int poolSize, boolean migrate, String jndiName,
                             java.time.Duration connectTimeout) {

    public DatabaseConfig {
        if ((url == null) == (jndiName == null)) {
            throw new ConfigException("url", "set exactly one of database.url and database.jndi_name");
        }
        if (url != null && !url.startsWith("jdbc:mariadb:")) {
            throw new ConfigException("url", "must be a MariaDB URL (jdbc:mariadb://host:port/database)");
        }
        if (poolSize <= 0 || poolSize > 1000) {
            throw new ConfigException("pool_size", "must be between 1 and 1000");
        }
    }

    /** Jackson's entry point: fields absent from the YAML arrive as null and get their defaults here. */
    @JsonCreator
    static DatabaseConfig fromYaml(@JsonProperty("url") String url,
                                   @JsonProperty("user") String user,
                                   @JsonProperty("password") String password,
                                   @JsonProperty("password_file") String passwordFile,
                                   @JsonProperty("pool_size") Integer poolSize,
                                   @JsonProperty("migrate") Boolean migrate,
                                   @JsonProperty("jndi_name") String jndiName,
                                   @JsonProperty("connect_timeout") String connectTimeout) {
        return new DatabaseConfig(url, user, Secret.fromValueOrFile("password", password, passwordFile, false),
                poolSize == null ? 16 : poolSize, migrate == null || migrate, jndiName,
                ConfigValues.duration("connect_timeout", connectTimeout, java.time.Duration.ofSeconds(5)));
    }
}
