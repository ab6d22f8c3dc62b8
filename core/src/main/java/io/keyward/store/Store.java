package io.keyward.store;

import io.keyward.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The MariaDB store: one DataSource and one MyBatis {@link SqlSessionFactory}, built once in code.
 * Repositories open one session per unit of work. With a URL, Keyward runs its own HikariCP pool
 * (Connector/J's built-in pool stalled under 64 concurrent callers on MariaDB 11.4 in our tests).
 */
public final class Store implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger POOL_IDS = new java.util.concurrent.atomic.AtomicInteger();
    private final DataSource dataSource;
    private final AutoCloseable ownedPool;
    private final SqlSessionFactory sessions;
    private final VaultKeyRepository keys;
    private final CallRepository calls;
    private final SpendRepository spend;
    private final VendorSecretRepository vendorSecrets;
    private final AdminTokenRepository adminTokens;
    private final ApprovalRepository approvals;

    private Store(DataSource dataSource, AutoCloseable ownedPool, java.time.Duration retryDeadline) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.sessions = sessionFactory(dataSource);
        ConnectionLoss connectionLoss = new ConnectionLoss(this::evictIdleConnections);
        this.keys = new VaultKeyRepository(sessions, connectionLoss);
        this.calls = new CallRepository(sessions);
        this.spend = new SpendRepository(sessions, connectionLoss, retryDeadline);
        this.vendorSecrets = new VendorSecretRepository(sessions);
        this.adminTokens = new AdminTokenRepository(sessions);
        this.approvals = new ApprovalRepository(sessions);
    }

    /** Opens the store the config describes: Keyward's own pool for a URL, or the container's JNDI DataSource. */
    public static Store open(DatabaseConfig config) throws SQLException {
        if (config.jndiName() != null) {
            return open(lookup(config.jndiName()), config.migrate(), config.retryDeadline());
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("keyward-" + POOL_IDS.incrementAndGet());
        hikari.setDriverClassName("org.mariadb.jdbc.Driver");
        hikari.setJdbcUrl(config.url());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password().reveal());
        }
        hikari.setMaximumPoolSize(config.poolSize());
        // How long a call waits for a connection before it fails closed (503): short, so an outage
        // refuses calls quickly instead of holding threads.
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        // Fail start with a clear error rather than on the first call when the database is unreachable.
        hikari.setInitializationFailTimeout(10_000);
        if (config.migrate() && config.migrationUser() != null) {
            // Schema rights only for the migrations; the pool's account needs none.
            Migrator.migrate(new org.mariadb.jdbc.MariaDbDataSource(config.url()).getConnection(config.migrationUser(),
                    config.migrationPassword() == null ? null : config.migrationPassword().reveal()));
        }
        HikariDataSource pool = new HikariDataSource(hikari);
        try {
            return open(pool, config.migrate() && config.migrationUser() == null, pool, config.retryDeadline());
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Opens the store on a DataSource someone else owns (and closes), with the default {@code database.retry_deadline}. */
    public static Store open(DataSource dataSource, boolean migrate) throws SQLException {
        return open(dataSource, migrate, DatabaseConfig.DEFAULT_RETRY_DEADLINE);
    }

    /** Opens the store on a DataSource someone else owns (and closes). */
    public static Store open(DataSource dataSource, boolean migrate, java.time.Duration retryDeadline) throws SQLException {
        return open(dataSource, migrate, null, retryDeadline);
    }

    private static Store open(DataSource dataSource, boolean migrate, AutoCloseable ownedPool, java.time.Duration retryDeadline)
            throws SQLException {
        if (migrate) {
            Migrator.migrate(dataSource);
        }
        return new Store(dataSource, ownedPool, retryDeadline);
    }

    public VaultKeyRepository keys() {
        return keys;
    }

    public CallRepository calls() {
        return calls;
    }

    public ApprovalRepository approvals() {
        return approvals;
    }

    public AdminTokenRepository adminTokens() {
        return adminTokens;
    }

    public VendorSecretRepository vendorSecrets() {
        return vendorSecrets;
    }

    public SpendRepository spend() {
        return spend;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool's idle connections (new ones are opened as needed); only Keyward's own pool. */
    private void evictIdleConnections() {
        if (ownedPool instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
            hikari.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /** Whether a connection can be had and answers within two seconds. */
    public boolean healthy() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    private static SqlSessionFactory sessionFactory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("keyward", new JdbcTransactionFactory(), dataSource));
        configuration.getTypeHandlerRegistry().register(Instant.class, UtcInstantTypeHandler.class);
        configuration.setDefaultStatementTimeout(10);
        configuration.addMapper(VaultKeyMapper.class);
        configuration.addMapper(CallMapper.class);
        configuration.addMapper(SpendMapper.class);
        configuration.addMapper(VendorSecretMapper.class);
        configuration.addMapper(AdminTokenMapper.class);
        configuration.addMapper(ApprovalMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }


    private static DataSource lookup(String jndiName) throws SQLException {
        try {
            Object found = new InitialContext().lookup(jndiName);
            if (found instanceof DataSource ds) {
                return ds;
            }
            throw new SQLException("JNDI name " + jndiName + " is not a javax.sql.DataSource");
        } catch (NamingException e) {
            throw new SQLException("no DataSource bound at JNDI name " + jndiName, e);
        }
    }
}
