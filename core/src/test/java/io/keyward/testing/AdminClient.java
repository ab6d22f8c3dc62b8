package io.keyward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Drives the admin API over HTTP the way a script would. */
public final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    public AdminClient(String gatewayBaseUrl, String token) {
        this.base = gatewayBaseUrl + "/admin";
        this.token = token;
    }

    public record Reply(int status, JsonNode json, String raw) {
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Reply post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Issues a key and returns the JSON answer (which holds the key text under "key"). */
    public JsonNode issue(String vendor, String agentName, String extraFields) throws IOException, InterruptedException {
        String body = "{\"vendor\":\"" + vendor + "\",\"agent_name\":\"" + agentName + "\""
                + (extraFields == null || extraFields.isBlank() ? "" : "," + extraFields) + "}";
        Reply reply = post("/keys", body);
        if (reply.status() != 201) {
            throw new AssertionError("issuing a key answered " + reply.status() + ": " + reply.raw());
        }
        return reply.json();
    }

    private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
        return new Reply(response.statusCode(), json, response.body());
    }
}
