package io.keyward.admin;

/** The request clashes with what exists (a token name taken): answered 409 {@code conflict}. */
final class AdminConflictException extends RuntimeException {
    AdminConflictException(String message) {
        super(message, null, false, false);
    }
}
