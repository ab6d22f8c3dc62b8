package io.keyward.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.decision.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParamsTest {
    private static final ParamReading STRIPE = ParamReading.nested();
    private static final ParamReading TWILIO = new ParamReading(true, false, Set.of("MediaUrl"));

    /** {@code "q:a[b]=1"} is a query parameter, {@code "b:..."} a body one, {@code "p:..."} a path variable. */
    private static Params read(ParamReading reading, String... params) {
        List<Param> raw = new ArrayList<>();
        for (String p : params) {
            Param.Source source = switch (p.charAt(0)) {
                case 'p' -> Param.Source.PATH;
                case 'q' -> Param.Source.QUERY;
                default -> Param.Source.BODY;
            };
            String[] nv = p.substring(2).split("=", 2);
            raw.add(new Param(source, reading.nestedNames() ? ParamName.ofForm(nv[0]) : ParamName.of(nv[0]), nv[1]));
        }
        return Params.canonical(raw, reading);
    }

    private static String refusal(ParamReading reading, String... params) {
        Refusal r = assertThrows(Refusal.class, () -> read(reading, params));
        assertEquals(400, r.status());
        return r.rule();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "two values of one name          | b:amount=1,b:amount=2                                   | request.repeated.amount",
        "same value in query and body     | q:amount=1,b:amount=1                                   | request.repeated.amount",
        "path variable named again        | p:customer=cus_1,q:customer=cus_1                       | request.repeated.customer",
        "value and list under one name    | b:customer=cus_1,b:customer[0]=cus_2                    | request.shape.customer",
        "value and object, other order    | b:customer[x]=cus_2,b:customer=cus_1                    | request.shape.customer",
        "a gap in a list                  | b:line_items[0][q]=1,b:line_items[2][q]=1               | request.list.line_items",
        "a list not starting at 0         | b:expand[1]=x                                           | request.list.expand",
        "a leading zero                   | b:expand[0]=x,b:expand[01]=y                            | request.list.expand[01]",
        "indexes mixed with names         | b:metadata[0]=x,b:metadata[a]=y                         | request.list.metadata",
    })
    void stripeReadingsThatCouldDifferAreRefused(String name, String params, String rule) {
        assertEquals(rule, refusal(STRIPE, params.split(",")));
    }

    @Test
    void theSameValueTwiceInOnePlaceIsReadOnce() {
        Params params = read(STRIPE, "q:limit=5", "q:limit=5");
        assertEquals(1, params.all().size(), "twilio-java sends PageSize=5&PageSize=5");
        assertEquals(Optional.of("5"), params.scalar("limit"));
    }

    @Test
    void twilioNamesFoldCaseAndListNamesCollect() {
        assertEquals("request.repeated.body", refusal(TWILIO, "b:Body=hi", "b:body=bye"));
        Params params = read(TWILIO, "b:to=+1555", "b:MediaUrl=a", "b:mediaurl=b");
        assertEquals(Optional.of("+1555"), params.scalar("To"));
        assertEquals(List.of("a", "b"), params.scalarOrList(ParamName.of("MEDIAURL")));
        assertEquals("MediaUrl[0]", params.all().get(1).name().toString());
    }

    @Test
    void accessorsRefuseAShapeTheyCannotPrice() {
        Params params = read(STRIPE, "b:amount[0]=100", "b:to[a]=x", "b:line_items[0][q]=1", "b:currency=usd");
        assertEquals("request.shape.amount", assertThrows(Refusal.class, () -> params.scalar("amount")).rule());
        assertEquals("request.shape.to", assertThrows(Refusal.class, () -> params.scalarOrList(ParamName.of("to"))).rule());
        assertEquals("request.shape.currency", assertThrows(Refusal.class, () -> params.listSize(ParamName.of("currency"))).rule());
        assertEquals(1, params.listSize(ParamName.of("line_items")));
        assertEquals(0, params.listSize(ParamName.of("absent")));
        assertTrue(params.has(ParamName.of("line_items", "0")));
    }

    @Test
    void readingIsLinearInTheNumberOfParameters() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            many.add("b:line_items[" + i + "][price_data][unit_amount]=1");
        }
        Params params = read(STRIPE, many.toArray(String[]::new));
        assertEquals(50_000, params.listSize(ParamName.of("line_items")));
    }
}
