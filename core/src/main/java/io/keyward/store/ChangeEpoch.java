package io.keyward.store;

import java.time.Instant;

/**
 * The counter every change to keys, kill switches and vendor secrets moves (sql/V5), and the
 * database clock at the moment it was read.
 */
public record ChangeEpoch(long epoch, Instant databaseNow) {
}
