package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the store lives: a JDBC URL with a small pool of Keyward's own, or a container-managed
 * DataSource looked up by JNDI name (Tomcat's {@code java:comp/env/jdbc/keyward}).
 *
 * @param migrationUser with {@code migrate}, the account that applies migrations at start (schema
 *     rights), so that {@code user}, the account calls run with, needs only SELECT, INSERT, UPDATE,
 *     DELETE and EXECUTE; null: migrations run as {@code user}
 */
public record DatabaseConfig(String url, String user, Secret password, int poolSize, boolean migrate, String jndiName,
                             java.time.Duration connectTimeout, String migrationUser, Secret migrationPassword) {

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
        if (migrationUser != null && jndiName != null) {
            throw new ConfigException("migration_user", "works with database.url; with jndi_name, apply the migrations with the mariadb client");
        }
        if (migrationUser != null && !migrate) {
            throw new ConfigException("migration_user", "is only used when migrate is true");
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
                                   @JsonProperty("connect_timeout") String connectTimeout,
                                   @JsonProperty("migration_user") String migrationUser,
                                   @JsonProperty("migration_password") String migrationPassword,
                                   @JsonProperty("migration_password_file") String migrationPasswordFile) {
        return new DatabaseConfig(url, user, Secret.fromValueOrFile("password", password, passwordFile, false),
                poolSize == null ? 16 : poolSize, migrate == null || migrate, jndiName,
                ConfigValues.duration("connect_timeout", connectTimeout, java.time.Duration.ofSeconds(5)),
                migrationUser == null || migrationUser.isBlank() ? null : migrationUser.strip(),
                Secret.fromValueOrFile("migration_password", migrationPassword, migrationPasswordFile, false));
    }
}
