package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The gateway's admin API, as the CLI calls it: JSON in and out, the token in the Authorization
 * header only (never in a URL, so it cannot reach an access log). Every refusal becomes an
 * {@link ApiFailure} carrying the exit code it maps to and the gateway's own message.
 */
final class AdminApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param gateway the gateway's base URL, e.g. {@code http://127.0.0.1:8080}; {@code /admin} is added */
    AdminApi(String gateway, String token) {
        String trimmed = gateway.endsWith("/") ? gateway.substring(0, gateway.length() - 1) : gateway;
        URI parsed;
        try {
            parsed = URI.create(trimmed + "/admin");
        } catch (IllegalArgumentException e) {
            throw new ApiFailure(ExitCode.USAGE, "the gateway URL is not a URL: " + gateway);
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
            throw new ApiFailure(ExitCode.USAGE, "the gateway URL must be http:// or https:// with a host: " + gateway);
        }
        if (token == null || token.isBlank()) {
            throw new ApiFailure(ExitCode.USAGE, "no admin token: pass --token or set KEYWARD_ADMIN_TOKEN");
        }
        this.base = parsed;
        this.token = token.strip();
    }

    JsonNode get(String path, Map<String, String> query) {
        return send("GET", path + query(query), null);
    }

    JsonNode post(String path, ObjectNode body) {
        return send("POST", path, body);
    }

    private JsonNode send(String method, String pathAndQuery, ObjectNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiFailure(ExitCode.UNAVAILABLE, "cannot reach the gateway at " + base + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure(ExitCode.UNAVAILABLE, "interrupted");
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            if (answer == null) {
                throw new ApiFailure(ExitCode.UNAVAILABLE, "the gateway answered " + response.statusCode() + " without JSON");
            }
            return answer;
        }
        throw ApiFailure.of(response.statusCode(), answer);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String query(Map<String, String> params) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((name, value) -> {
            if (value != null) {
                q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
