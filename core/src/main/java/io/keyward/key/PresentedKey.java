package io.keyward.key;

/**
 * A vault key split into its public id and its secret part. {@code toString} hides the secret, so
 * the record can be logged by mistake without harm.
 */
public record PresentedKey(String id, String secret, String text) {
    @Override
    public String toString() {
        return "PresentedKey[id=" + id + ", secret=****]";
    }
}
