package io.keyward.gateway;

import java.sql.SQLException;

/**
 * Describes an internal failure for the log without its message text, which for a driver error
 * can quote SQL parameters: the exception classes down to the root cause, and for database errors
 * the SQLState and vendor code.
 */
final class Faults {
    private Faults() {
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t instanceof SQLException sql) {
                sb.append("[state=").append(sql.getSQLState()).append(", code=").append(sql.getErrorCode()).append(']');
            }
        }
        return sb.toString();
    }
}
