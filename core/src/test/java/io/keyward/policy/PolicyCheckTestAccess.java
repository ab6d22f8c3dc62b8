package io.keyward.policy;

/** Shares the example policy with tests in other packages. */
public final class PolicyCheckTestAccess {
    public static final String EXAMPLE = PolicyCheckTest.EXAMPLE;

    private PolicyCheckTestAccess() {
    }
}
