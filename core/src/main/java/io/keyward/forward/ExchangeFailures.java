package io.keyward.forward;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;

/** What a failed exchange with a vendor means: whether it may be sent again, and the agent's error. */
final class ExchangeFailures {
    private ExchangeFailures() {
    }

    /**
     * A request that did not get through may be sent again only if doing so cannot act twice: a GET,
     * or a POST to a vendor that deduplicates by Idempotency-Key (Stripe) carrying one. Never after a
     * timeout: the vendor may still be working on the first. Called only while no status line of the
     * vendor's has arrived, so a connection closed now was closed without an answer.
     */
    static boolean retriable(boolean retryConnectionFailures, Route route, CallRequest call, Exception e) {
        boolean notThrough = e instanceof ConnectException || e instanceof ConnectTimeoutException
                || e instanceof NoHttpResponseException || e instanceof ConnectionClosedException
                || e instanceof SocketException && !(e instanceof SocketTimeoutException);
        if (!retryConnectionFailures || !notThrough) {
            return false;
        }
        return "GET".equals(call.method())
                || "POST".equals(call.method()) && route.vendor().deduplicatesIdempotentRetries()
                && call.idempotencyKey() != null;
    }

    /** Timeout -> 504 (the vendor may have acted); never reached -> 502 (it did not); anything else -> 502 (it may have). */
    static UpstreamFailure of(Exception e) {
        if (e instanceof SocketTimeoutException && !(e instanceof ConnectTimeoutException)) {
            return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 504, "the vendor did not answer in time", null), true);
        }
        if (e instanceof ConnectException || e instanceof ConnectTimeoutException
                || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
            return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 502, "the vendor could not be reached", null), false);
        }
        return failed();
    }

    static UpstreamFailure failed() {
        return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 502, "the call to the vendor failed", null), true);
    }

    /** Bytes Keyward cannot decode cannot be checked for an echoed secret: nothing of them is sent. */
    static UpstreamFailure unreadableEncoding() {
        return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 502,
                "the vendor answered in a content encoding Keyward does not read", null), true);
    }

    /** Held whole for the masker, an answer needs a bound; the vendor did answer, so it may have acted. */
    static UpstreamFailure tooLarge() {
        return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 502, "the vendor's answer is longer than the "
                + AnswerConsumer.LIMIT / (1024 * 1024) + " MiB Keyward forwards", "forward.answer_limit"), true);
    }
}
