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
 * @param retryDeadline how long a money call's reservation may keep retrying conflicts before the
 *     call is refused 503. It must outlast a Galera cluster's reconfiguration: when a member dies,
 *     every surviving node holds its commits until the member is suspected
 *     ({@code evs.suspect_timeout}, 5 s by default) and a new view is installed, and then the
 *     commits held meanwhile conflict with each other; a deadline shorter than that refuses calls
 *     on nodes that are fine. 10 s by default: Galera's default suspect timeout, the view change
 *     and the conflicts after it, with room to spare (docs/database.md, Galera).
 */
public record DatabaseConfig(String url, String user, Secret password, int poolSize, boolean migrate, String jndiName,
                             java.time.Duration connectTimeout, String migrationUser, Secret migrationPassword,
                             java.time.Duration retryDeadline) {
    public static final java.time.Duration DEFAULT_RETRY_DEADLINE = java.time.Duration.ofSeconds(10);
    /** The longest {@link #retryDeadline}: past a minute agents' HTTP clients have long given up. */
    static final java.time.Duration MAX_RETRY_DEADLINE = java.time.Duration.ofSeconds(60);

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
        if (retryDeadline.isNegative() || retryDeadline.isZero() || retryDeadline.compareTo(MAX_RETRY_DEADLINE) > 0) {
            throw new ConfigException("retry_deadline", "must be greater than zero and at most " + MAX_RETRY_DEADLINE.toSeconds() + "s");
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
                                   @JsonProperty("migration_password_file") String migrationPasswordFile,
                                   @JsonProperty("retry_deadline") String retryDeadline) {
        return new DatabaseConfig(url, user, Secret.fromValueOrFile("password", password, passwordFile, false),
                poolSize == null ? 16 : poolSize, migrate == null || migrate, jndiName,
                ConfigValues.duration("connect_timeout", connectTimeout, java.time.Duration.ofSeconds(5)),
                migrationUser == null || migrationUser.isBlank() ? null : migrationUser.strip(),
                Secret.fromValueOrFile("migration_password", migrationPassword, migrationPasswordFile, false),
                ConfigValues.duration("retry_deadline", retryDeadline, DEFAULT_RETRY_DEADLINE));
    }
}
