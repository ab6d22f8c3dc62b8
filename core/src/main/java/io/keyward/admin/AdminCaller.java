package io.keyward.admin;

import java.util.Set;

/**
 * Who is calling the admin API: the token's name (what {@code admin_events} records) and its scopes.
 */
record AdminCaller(String name, Set<AdminScope> scopes) {

    AdminCaller {
        scopes = Set.copyOf(scopes);
    }

    boolean may(AdminScope scope) {
        return scopes.contains(AdminScope.ADMIN) || scopes.contains(scope);
    }
}
