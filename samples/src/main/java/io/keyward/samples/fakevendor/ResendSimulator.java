package io.keyward.samples.fakevendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.contract.Catalog;
import io.keyward.json.Json;
import io.keyward.resend.ResendVendor;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resend, for every operation in Keyward's Resend catalog: each email sent, alone or in a batch, is
 * kept as asked for (every recipient of {@code to}, {@code cc}, {@code bcc}, as lists) for get,
 * list, update and cancel. There is one verified domain, {@code example.com}, as domains cannot be
 * added through Keyward.
 */
final class ResendSimulator implements Simulator {
    private static final DateTimeFormatter CREATED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC);
    private static final List<String> ADDRESS_LISTS = List.of("to", "cc", "bcc", "reply_to");
    private static final List<String> TEXT = List.of("from", "subject", "html", "text", "scheduled_at");
    private static final List<String> REQUIRED = List.of("from", "to", "subject");
    private final ObjectStore store = new ObjectStore();
    private final Templates templates = new Templates("resend");
    private final ObjectNode domain = templates.fresh("domain");

    @Override
    public Reply answer(VendorCall call) {
        Optional<Catalog.Match> match = ResendVendor.CATALOG.find(call.method(), call.segments());
        if (match.isEmpty()) {
            return error(404, "not_found", "Route not found");
        }
        String id = match.get().pathVariables().get("id");
        JsonNode body = json(call.body());
        return switch (match.get().operation().name()) {
            case "emails.send" -> {
                Optional<Reply> invalid = invalid(body);
                yield invalid.orElseGet(() -> ok(Json.MAPPER.createObjectNode().put("id", send(body).get("id").asText())));
            }
            case "emails.batch" -> batch(body);
            case "emails.get" -> withEmail(id, ResendSimulator::ok);
            case "emails.list" -> ok(list(store.where(e -> true).stream().map(ResendSimulator::summary).toList()));
            case "emails.update" -> withEmail(id, email -> {
                email.set("scheduled_at", body.path("scheduled_at").isTextual() ? body.get("scheduled_at") : email.get("scheduled_at"));
                return ok(reference(email));
            });
            case "emails.cancel" -> withEmail(id, email -> ok(reference(email.put("last_event", "canceled"))));
            case "domains.list" -> ok(list(List.of(summary(domain))));
            case "domains.get" -> domain.get("id").asText().equals(id) ? ok(domain) : error(404, "not_found", "Domain not found");
            default -> throw new IllegalStateException("no simulation of " + match.get().operation().name());
        };
    }

    @Override
    public Reply unauthorized() {
        return error(401, "validation_error", "API key is invalid");
    }

    @Override
    public Reply serverError() {
        return error(500, "internal_server_error", "An unexpected error occurred");
    }

    private Reply batch(JsonNode body) {
        if (!body.isArray()) {
            return error(422, "validation_error", "The request body must be a list of emails.");
        }
        for (JsonNode email : body) {
            Optional<Reply> invalid = invalid(email);
            if (invalid.isPresent()) {
                return invalid.get();
            }
        }
        ArrayNode ids = Json.MAPPER.createArrayNode();
        body.forEach(email -> ids.addObject().put("id", send(email).get("id").asText()));
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.set("data", ids);
        return ok(answer);
    }

    private static Optional<Reply> invalid(JsonNode email) {
        if (!email.isObject()) {
            return Optional.of(error(422, "validation_error", "Each email must be an object."));
        }
        return REQUIRED.stream().filter(f -> !email.hasNonNull(f)).findFirst()
                .map(f -> error(422, "missing_required_field", "Missing `" + f + "` field."));
    }

    /** The email as Resend keeps it: every address field a list, one string's comma-separated addresses apart. */
    private ObjectNode send(JsonNode request) {
        ObjectNode email = templates.fresh("email").put("id", Ids.uuid()).put("created_at", CREATED_AT.format(Instant.now()));
        TEXT.stream().filter(f -> request.path(f).isTextual()).forEach(f -> email.set(f, request.get(f)));
        for (String field : ADDRESS_LISTS) {
            JsonNode given = request.path(field);
            if (given.isTextual() || given.isArray()) {
                ArrayNode addresses = email.putArray(field);
                Iterable<JsonNode> items = given.isArray() ? given : List.of(given);
                for (JsonNode item : items) {
                    for (String address : item.asText().split(",")) {
                        addresses.add(address.strip());
                    }
                }
            }
        }
        if (email.hasNonNull("scheduled_at")) {
            email.put("last_event", "scheduled");
        }
        return store.put(email.get("id").asText(), email);
    }

    private static ObjectNode summary(ObjectNode object) {
        ObjectNode summary = object.deepCopy();
        summary.remove(List.of("object", "html", "text", "records"));
        return summary;
    }

    private static ObjectNode reference(ObjectNode email) {
        return Json.MAPPER.createObjectNode().put("object", "email").put("id", email.get("id").asText());
    }

    private static ObjectNode list(List<ObjectNode> data) {
        ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list").put("has_more", false);
        list.putArray("data").addAll(data);
        return list;
    }

    private Reply withEmail(String id, Function<ObjectNode, Reply> action) {
        return store.get(id).map(action).orElseGet(() -> error(404, "not_found", "Email not found"));
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode tree = body.length == 0 ? null : Json.MAPPER.readTree(body);
            return tree == null ? Json.MAPPER.createObjectNode() : tree;
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private static Reply error(int status, String name, String message) {
        return ok(status, Json.MAPPER.createObjectNode().put("statusCode", status).put("message", message).put("name", name));
    }

    private static Reply ok(ObjectNode body) {
        return ok(200, body);
    }

    private static Reply ok(int status, ObjectNode body) {
        return Reply.json(status, body, Map.of());
    }
}
