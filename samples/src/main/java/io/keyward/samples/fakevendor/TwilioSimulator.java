package io.keyward.samples.fakevendor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.contract.Catalog;
import io.keyward.json.Json;
import io.keyward.twilio.Segments;
import io.keyward.twilio.TwilioVendor;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Twilio, for every operation in Keyward's Twilio catalog, 2010 API and Verify: messages, calls and
 * verifications are made from what the call asked for and kept for fetch, update and lists. A new
 * message has {@code price} null, as Twilio's has until the carrier bills it, so Keyward keeps its
 * estimate from the segments, and {@code num_segments} counted the same way. Parameter names are read
 * as Twilio reads them, case ignored. Answers are JSON with or without the {@code .json} suffix (real
 * Twilio answers XML without it). Any code checks a pending verification.
 */
final class TwilioSimulator implements Simulator {
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US)
            .withZone(ZoneOffset.UTC);
    private final ObjectStore store = new ObjectStore();
    private final Templates templates = new Templates("twilio");
    /** The account Verify's answers name: Verify paths carry none. */
    private final String accountSid;

    TwilioSimulator(String accountSid) {
        this.accountSid = accountSid;
    }

    @Override
    public Reply answer(VendorCall call) {
        Optional<Catalog.Match> match = TwilioVendor.CATALOG.find(call.method(), call.segments());
        if (match.isEmpty()) {
            return notFound(call.path());
        }
        Map<String, String> vars = match.get().pathVariables();
        String account = vars.getOrDefault("AccountSid", "");
        Params params = new Params(call.fields());
        return switch (match.get().operation().name()) {
            case "accounts.fetch" -> ok(200, account(account));
            case "messages.create" -> createMessage(account, params);
            case "messages.list" -> ok(200, list("messages", "SM", call, params));
            case "messages.fetch" -> withObject("SM", vars.get("Sid"), call, message -> ok(200, message));
            case "messages.update" -> withObject("SM", vars.get("Sid"), call, message -> ok(200, params.copy(message, "body", "status")
                    .put("date_updated", rfc2822())));
            case "messages.delete" -> withObject("SM", vars.get("Sid"), call, message -> {
                store.remove(message.get("sid").asText());
                return ok(204, null);
            });
            case "messages.media.list" -> withObject("SM", vars.get("MessageSid"), call, message -> ok(200, list("media_list", "ME", call,
                    new Params(List.of(Map.entry("ParentSid", message.get("sid").asText()))))));
            case "calls.create" -> createCall(account, params);
            case "calls.list" -> ok(200, list("calls", "CA", call, params));
            case "calls.fetch" -> withObject("CA", vars.get("Sid"), call, c -> ok(200, c));
            case "calls.update" -> withObject("CA", vars.get("Sid"), call, c -> ok(200, params.copy(c, "status").put("date_updated", rfc2822())));
            case "verify.verifications.create" -> createVerification(vars.get("ServiceSid"), params);
            case "verify.verifications.fetch" -> withObject("VE", vars.get("Sid"), call, v -> ok(200, v));
            case "verify.verifications.update" -> withObject("VE", vars.get("Sid"), call, v -> ok(200, params.copy(v, "status")
                    .put("date_updated", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())));
            case "verify.verification_checks.create" -> check(vars.get("ServiceSid"), params, call);
            default -> throw new IllegalStateException("no simulation of " + match.get().operation().name());
        };
    }

    @Override
    public Reply unauthorized() {
        return error(401, 20003, "Authenticate");
    }

    @Override
    public Reply serverError() {
        return error(500, 20500, "Internal Server Error");
    }

    private ObjectNode account(String sid) {
        ObjectNode account = templates.fresh("account").put("sid", sid).put("owner_account_sid", sid)
                .put("uri", "/2010-04-01/Accounts/" + sid + ".json");
        account.with("subresource_uris").put("calls", "/2010-04-01/Accounts/" + sid + "/Calls.json")
                .put("messages", "/2010-04-01/Accounts/" + sid + "/Messages.json");
        return account;
    }

    private Reply createMessage(String account, Params params) {
        List<String> media = params.all("MediaUrl");
        String body = params.get("Body").orElse("");
        if (params.get("To").isEmpty()) {
            return error(400, 21604, "A 'To' phone number is required.");
        }
        if (params.get("From").isEmpty() && params.get("MessagingServiceSid").isEmpty()) {
            return error(400, 21603, "A 'From' phone number is required.");
        }
        if (body.isEmpty() && media.isEmpty() && params.get("ContentSid").isEmpty()) {
            return error(400, 21619, "A text message body or media urls must be specified.");
        }
        String sid = Ids.twilio("SM");
        String uri = "/2010-04-01/Accounts/" + account + "/Messages/" + sid;
        ObjectNode message = params.copy(templates.fresh("message"), "to", "from", "body", "messaging_service_sid")
                .put("sid", sid).put("account_sid", account).put("date_created", rfc2822()).put("date_updated", rfc2822())
                .put("num_segments", Integer.toString(Segments.count(body))).put("num_media", Integer.toString(media.size()))
                .put("status", params.get("From").isEmpty() ? "accepted" : "queued").put("uri", uri + ".json");
        message.with("subresource_uris").put("media", uri + "/Media.json");
        for (String url : media) {
            String mediaSid = Ids.twilio("ME");
            store.put(mediaSid, templates.fresh("media").put("sid", mediaSid).put("account_sid", account).put("parent_sid", sid)
                    .put("date_created", rfc2822()).put("date_updated", rfc2822()).put("uri", uri + "/Media/" + mediaSid + ".json")
                    .put("content_type", url.endsWith(".png") ? "image/png" : "image/jpeg"));
        }
        return ok(201, store.put(sid, message));
    }

    private Reply createCall(String account, Params params) {
        if (params.get("To").isEmpty()) {
            return error(400, 21201, "No 'To' number is specified");
        }
        if (params.get("From").isEmpty()) {
            return error(400, 21213, "No 'From' number is specified");
        }
        String sid = Ids.twilio("CA");
        String uri = "/2010-04-01/Accounts/" + account + "/Calls/" + sid;
        ObjectNode call = params.copy(templates.fresh("call"), "to", "from").put("sid", sid).put("account_sid", account)
                .put("date_created", rfc2822()).put("date_updated", rfc2822()).put("uri", uri + ".json");
        call.put("to_formatted", call.get("to").asText()).put("from_formatted", call.get("from").asText());
        call.with("subresource_uris").put("notifications", uri + "/Notifications.json").put("recordings", uri + "/Recordings.json");
        return ok(201, store.put(sid, call));
    }

    private Reply createVerification(String service, Params params) {
        for (String required : List.of("To", "Channel")) {
            if (params.get(required).isEmpty()) {
                return error(400, 60200, "Invalid parameter: " + required);
            }
        }
        String sid = Ids.twilio("VE");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode verification = params.copy(templates.fresh("verification"), "to", "channel", "amount", "payee")
                .put("sid", sid).put("service_sid", service).put("account_sid", accountSid)
                .put("date_created", now).put("date_updated", now)
                .put("url", "https://verify.twilio.com/v2/Services/" + service + "/Verifications/" + sid);
        verification.withArray("send_code_attempts").addObject().put("attempt_sid", Ids.twilio("VL"))
                .put("channel", verification.get("channel").asText()).put("time", now);
        return ok(201, store.put(sid, verification));
    }

    /** Approves the service's pending verification named by {@code VerificationSid} or {@code To}. */
    private Reply check(String service, Params params, VendorCall call) {
        Optional<ObjectNode> pending = store.where(v -> v.path("service_sid").asText().equals(service)
                && v.path("status").asText().equals("pending")
                && (v.path("sid").asText().equals(params.get("VerificationSid").orElse(null))
                    || v.path("to").asText().equals(params.get("To").orElse(null)))).stream().findFirst();
        if (pending.isEmpty()) {
            return notFound(call.path());
        }
        ObjectNode verification = pending.get().put("status", "approved").put("valid", true)
                .put("date_updated", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode answer = verification.deepCopy();
        answer.remove(List.of("lookup", "send_code_attempts", "url", "sna"));
        answer.putArray("sna_attempts_error_codes");
        return ok(201, answer);
    }

    /** A page of Twilio's 2010 API: the objects whose sid starts with {@code prefix}, filtered as asked. */
    private ObjectNode list(String key, String prefix, VendorCall call, Params params) {
        List<ObjectNode> found = store.where(o -> o.path("sid").asText().startsWith(prefix)
                && params.matches(o, "to", "from", "status", "parent_sid"));
        int size = (int) Math.max(1, Math.min(1000, Long.parseLong(params.get("PageSize").filter(s -> s.matches("[0-9]{1,4}")).orElse("50"))));
        String uri = call.path() + "?PageSize=" + size + "&Page=0";
        ObjectNode page = Json.MAPPER.createObjectNode();
        page.putArray(key).addAll(found.subList(0, Math.min(size, found.size())));
        return page.put("end", Math.max(0, Math.min(size, found.size()) - 1)).put("first_page_uri", uri)
                .putNull("next_page_uri").put("page", 0).put("page_size", size).putNull("previous_page_uri").put("start", 0).put("uri", uri);
    }

    private Reply withObject(String prefix, String sid, VendorCall call, Function<ObjectNode, Reply> action) {
        return store.get(sid).filter(o -> sid.startsWith(prefix)).map(action).orElseGet(() -> notFound(call.path()));
    }

    private static Reply notFound(String path) {
        return error(404, 20404, "The requested resource " + path + " was not found");
    }

    private static Reply error(int status, int code, String message) {
        return ok(status, Json.MAPPER.createObjectNode().put("code", code).put("message", message)
                .put("more_info", "https://www.twilio.com/docs/errors/" + code).put("status", status));
    }

    private static Reply ok(int status, ObjectNode body) {
        return Reply.json(status, body, Map.of("Twilio-Request-Id", Ids.twilio("RQ")));
    }

    private static String rfc2822() {
        return RFC_2822.format(Instant.now());
    }

    /** Form and query fields by name, case ignored as Twilio ignores it; the last value wins, a list name keeps them all. */
    private static final class Params {
        private final Map<String, List<String>> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        Params(List<Map.Entry<String, String>> fields) {
            fields.forEach(f -> values.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue()));
        }

        Optional<String> get(String name) {
            List<String> all = all(name);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }

        List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }

        /** Each given field ({@code messaging_service_sid}) from its parameter ({@code MessagingServiceSid}), when sent. */
        ObjectNode copy(ObjectNode object, String... fields) {
            for (String field : fields) {
                get(field.replace("_", "")).ifPresent(value -> object.put(field, value));
            }
            return object;
        }

        boolean matches(ObjectNode object, String... fields) {
            for (String field : fields) {
                Optional<String> wanted = get(field.replace("_", ""));
                if (wanted.isPresent() && !wanted.get().equals(object.path(field).asText())) {
                    return false;
                }
            }
            return true;
        }
    }
}
