package io.keyward.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import io.keyward.store.ApprovalRow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces each new pending approval to the operator's webhook ({@code approvals.webhook_url}):
 * one POST of {@code {"event":"approval.pending","approval":{...}}}, off the request thread, once.
 * The agent's refusal never waits for it, and a webhook that is down loses only the announcement:
 * the approval itself is in the database and the admin API lists it.
 */
final class ApprovalWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(ApprovalWebhook.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    // One sender and a bounded queue: a slow webhook cannot hold threads or memory of the gateway.
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000), r -> {
        Thread t = new Thread(r, "keyward-approval-webhook");
        t.setDaemon(true);
        return t;
    });

    ApprovalWebhook(URI url) {
        this.url = url;
    }

    void announce(ApprovalRow approval) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("event", "approval.pending");
        body.set("approval", ApprovalJson.of(approval));
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build();
        try {
            sender.execute(() -> send(request, approval.id()));
        } catch (RejectedExecutionException full) {
            LOG.warn("Approval {} was not announced to the webhook: {} announcements are already waiting", approval.id(), 1000);
        }
    }

    private void send(HttpRequest request, String id) {
        try {
            HttpResponse<Void> reply = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (reply.statusCode() / 100 != 2) {
                LOG.warn("The approval webhook answered {} to approval {}", reply.statusCode(), id);
            }
        } catch (java.io.IOException e) {
            LOG.warn("Approval {} could not be announced to the webhook: {}", id, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void close() {
        sender.shutdownNow();
    }
}
