package io.keyward.contract;

/**
 * The real credential for one upstream call: the {@code Authorization} value to send and the path
 * with any account segment set to the real account. {@code toString} hides the credential.
 */
public record UpstreamCredential(String authorization, String path) {
    @Override
    public String toString() {
        return "UpstreamCredential[authorization=****, path=" + path + "]";
    }
}
