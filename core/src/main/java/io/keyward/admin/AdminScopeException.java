package io.keyward.admin;

/** The caller's token lacks a scope the request needs: answered 403 {@code denied_scope}. */
final class AdminScopeException extends RuntimeException {
    AdminScopeException(String message) {
        super(message, null, false, false);
    }
}
