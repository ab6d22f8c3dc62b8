package io.keyward.forward;

import org.apache.hc.core5.http.Header;

/**
 * The vendor's answer as it arrived, before anything of it reaches the agent: status, headers and
 * the raw body (at most {@link AnswerConsumer#LIMIT} bytes, still in the vendor's content encoding).
 * Held whole so a container thread can write it to the agent later, while no thread waited for it.
 *
 * @param encoding the one {@code Content-Encoding}, lower-cased, {@code ""} for none; always readable
 * @param complete false when the vendor's body broke off after its status line arrived
 * @param upstreamMicros from sending the request to the last byte of the answer
 */
public record VendorAnswer(int status, Header[] headers, byte[] body, int length, String encoding, boolean complete,
                           long upstreamMicros) {
}
