package io.keyward.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.decision.Refusal;
import io.keyward.testing.Calls;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParsingTest {

    private static List<String> values(CallRequest call, String name) {
        ParamName wanted = ParamName.ofRule(name);
        return call.params().all().stream().filter(p -> wanted.covers(p.name(), false)).map(Param::value).toList();
    }

    @Test
    void stripeFormBodiesKeepTheirBracketsAndDecodeOnce() throws Exception {
        CallRequest call = Calls.parse("POST", "/stripe/v1/payment_intents", null, "application/x-www-form-urlencoded;charset=UTF-8",
                "amount=2000&metadata%5Border_id%5D=6735&line_items[0][price_data][unit_amount]=500&note=a%26b%3Dc+%C3%BC&expand[0]=x").call();
        assertEquals("payment_intents.create", call.operation().name());
        assertEquals(List.of("2000"), values(call, "amount"));
        assertEquals(List.of("6735"), values(call, "metadata[order_id]"));
        assertEquals(List.of("6735"), values(call, "metadata.order_id"), "dot notation names the same field");
        assertEquals(List.of("500"), values(call, "line_items[*][price_data][unit_amount]"));
        assertEquals(List.of("a&b=c ü"), values(call, "note"));
        assertEquals(List.of("x"), values(call, "expand[*]"));
    }

    @Test
    void aChunkedBodyLargerThanTheFirstBufferIsReadWhole() throws Exception {
        StringBuilder body = new StringBuilder("amount=2000&currency=usd");
        for (int i = 0; body.length() < 20_000; i++) {
            body.append("&metadata%5Bk").append(i).append("%5D=").append("v".repeat(40));
        }
        body.append("&description=last");
        CallRequest call = Calls.parse("POST", "/stripe/v1/payment_intents", null, "application/x-www-form-urlencoded",
                body.toString().getBytes(StandardCharsets.UTF_8), Map.of("Transfer-Encoding", "chunked"), false).call();
        assertEquals(body.length(), call.body().length);
        assertEquals(List.of("2000"), values(call, "amount"));
        assertEquals(List.of("last"), values(call, "description"));
    }

    @Test
    void pathVariablesAndQueryParametersAreParametersToo() throws Exception {
        CallRequest call = Calls.parse("GET", "/stripe/v1/customers/cus%5F123", "expand[0]=sources&limit=3", null, null).call();
        assertEquals("customers.retrieve", call.operation().name());
        assertEquals(List.of("cus_123"), values(call, "customer"));
        assertEquals(Param.Source.PATH, call.params().all().get(0).source());
        assertEquals(List.of("sources"), values(call, "expand[*]"));
    }

    @Test
    void twilioRepeatedKeysAndAccountPathAreRead() throws Exception {
        CallRequest call = Calls.parse("POST", "/twilio/2010-04-01/Accounts/kw_x/Messages.json", null,
                "application/x-www-form-urlencoded", "To=%2B15551234567&MediaUrl=a&MediaUrl=b").call();
        assertEquals("messages.create", call.operation().name());
        assertEquals(List.of("a", "b"), values(call, "MediaUrl[*]"));
        assertEquals("messages.create", Calls.parse("POST", "/twilio/2010-04-01/Accounts/AC1/Messages", null,
                "application/x-www-form-urlencoded", "To=x").call().operation().name(), ".json is optional");
        assertEquals("verify.verifications.create", Calls.parse("POST", "/twilio/verify/v2/Services/VA1/Verifications", null,
                "application/x-www-form-urlencoded", "To=x").call().operation().name());
    }

    @Test
    void jsonBodiesFlattenToTheSameNames() throws Exception {
        CallRequest batch = Calls.parse("POST", "/resend/emails/batch", null, "application/json",
                "[{\"from\":\"a@x.com\",\"to\":[\"b@y.com\",\"c@z.com\"]},{\"from\":\"d@x.com\",\"to\":\"e@y.com\",\"tags\":null}]").call();
        assertEquals("emails.batch", batch.operation().name());
        assertEquals(List.of("a@x.com", "d@x.com"), values(batch, "[*].from"));
        assertEquals(List.of("b@y.com", "c@z.com", "e@y.com"), values(batch, "[*].to[*]"), "to as a list or a single string");
        assertNull(values(batch, "[*].tags").get(0), "JSON null is present, with no value");
        assertEquals("emails.send", Calls.parse("POST", "/resend/emails", null, "application/json; charset=utf-8", "{\"to\":\"a@b.co\"}")
                .call().operation().name());
    }

    @Test
    void unknownPathsHaveNoOperationButStillParse() throws Exception {
        CallRequest call = Calls.parse("POST", "/stripe/v1/some_new_thing", null, "application/x-www-form-urlencoded", "a=1").call();
        assertNull(call.operation());
        assertEquals(List.of("1"), values(call, "a"));
    }

    @Test
    void gzipBodiesAreDecodedOnlyWhenConfiguredAndOnlyUpToTheLimit() throws Exception {
        byte[] gz = gzip("amount=5".getBytes(StandardCharsets.UTF_8));
        Map<String, String> encoding = Map.of("Content-Encoding", "gzip");
        Refusal refused = assertThrows(Refusal.class, () -> Calls.parse("POST", "/stripe/v1/refunds", null,
                "application/x-www-form-urlencoded", gz, encoding, false));
        assertEquals(415, refused.status());
        CallRequest decoded = Calls.parse("POST", "/stripe/v1/refunds", null, "application/x-www-form-urlencoded", gz, encoding, true).call();
        assertEquals(List.of("5"), values(decoded, "amount"));
        assertTrue(decoded.headers().stream().noneMatch(h -> h.name().equalsIgnoreCase("Content-Encoding")),
                "the vendor gets the decoded body, so the encoding header goes");

        byte[] bomb = gzip(new byte[2 * 1024 * 1024]);
        Refusal tooBig = assertThrows(Refusal.class, () -> Calls.parse("POST", "/stripe/v1/refunds", null,
                "application/x-www-form-urlencoded", bomb, encoding, true));
        assertEquals(413, tooBig.status(), "a zip bomb stops at the limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stripe/v1/customers/a%2Fb", "/stripe/v1/customers/a%5cb", "/stripe/v1/%2e%2e/admin",
        "/stripe/v1/../v1/customers", "/stripe/v1/./customers", "/stripe/v1//customers", "/stripe/v1/customers;x=1",
        "/stripe/v1/customers/%00", "/stripe/v1/customers/%0d%0a", "/stripe/v1/customers/%C0%AF", "/stripe/v1/customers/%ff",
        "/stripe/v1/customers/%zz", "/stripe/v1/customers/%252F", "/stripe/v1/customers/a\\b", "/stripe/v1/customers/%"})
    void ambiguousPathsAreRefused(String path) {
        Refusal r = assertThrows(Refusal.class, () -> Calls.parse("GET", path, null, null, null));
        assertEquals("denied_malformed", r.code().wire());
        assertEquals(400, r.status());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/json|{\"a\":1}|415",
        "text/plain|a=1|415",
        "application/x-www-form-urlencoded; charset=iso-8859-1|a=1|415",
        "|a=1|415",
        "application/x-www-form-urlencoded|a=%zz|400",
        "application/x-www-form-urlencoded|a=%C3|400",
        "application/x-www-form-urlencoded|a]=1|400",
        "application/x-www-form-urlencoded|a[b=1|400",
        "application/x-www-form-urlencoded|=1|400",
        "application/x-www-form-urlencoded|_method=DELETE|400",
    })
    void stripeBodiesThatCouldBeReadTwoWaysAreRefused(String contentType, String body, int status) {
        Refusal r = assertThrows(Refusal.class, () -> Calls.parse("POST", "/stripe/v1/refunds", null, contentType, body));
        assertEquals(status, r.status(), r.getMessage());
        assertEquals("denied_malformed", r.code().wire());
    }

    static List<String> ambiguousJson() {
        return List.of("{\"to\":\"a\",\"to\":\"b\"}", "{\"to\":", "\"just a string\"", "{} {}", "[1,2]x",
                "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("ambiguousJson")
    void jsonThatCouldBeReadTwoWaysIsRefused(String body) {
        Refusal r = assertThrows(Refusal.class, () -> Calls.parse("POST", "/resend/emails", null, "application/json", body));
        assertEquals(400, r.status(), r.getMessage());
    }

    @Test
    void methodOverridesAndControlCharactersAreRefused() {
        for (String header : List.of("X-HTTP-Method-Override", "X-Method-Override", "X-HTTP-Method")) {
            Refusal r = assertThrows(Refusal.class, () -> Calls.parse("POST", "/stripe/v1/refunds", null,
                    "application/x-www-form-urlencoded", "a=1".getBytes(StandardCharsets.UTF_8), Map.of(header, "DELETE"), false));
            assertEquals(400, r.status());
        }
        Refusal query = assertThrows(Refusal.class, () -> Calls.parse("GET", "/stripe/v1/customers", "_method=DELETE", null, null));
        assertEquals(400, query.status());
        Refusal crlf = assertThrows(Refusal.class, () -> Calls.parse("GET", "/stripe/v1/customers", null, null,
                new byte[0], Map.of("X-Note", "a\r\nInjected: yes"), false));
        assertEquals(400, crlf.status());
        Refusal getBody = assertThrows(Refusal.class, () -> Calls.parse("GET", "/stripe/v1/customers", null,
                "application/x-www-form-urlencoded", "a=1"));
        assertEquals(400, getBody.status());
    }

    @Test
    void ruleNamesReadBothNotations() {
        assertEquals(List.of("*", "from"), ParamName.ofRule("[*].from").segments());
        assertEquals(List.of("to", "*"), ParamName.ofRule("to[*]").segments());
        assertEquals(List.of("line_items", "*", "price_data", "unit_amount"), ParamName.ofRule("line_items[*].price_data[unit_amount]").segments());
        assertThrows(IllegalArgumentException.class, () -> ParamName.ofRule("a[b"));
        assertThrows(IllegalArgumentException.class, () -> ParamName.ofRule(""));
        assertTrue(ParamName.ofRule("to").covers(ParamName.ofForm("To"), true));
        assertTrue(!ParamName.ofRule("to").covers(ParamName.ofForm("To"), false));
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
