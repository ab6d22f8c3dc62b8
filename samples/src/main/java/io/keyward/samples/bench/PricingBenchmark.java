package io.keyward.samples.bench;

import io.keyward.config.ConfigLoader;
import io.keyward.config.KeywardConfig;
import io.keyward.config.LimitsConfig;
import io.keyward.contract.Estimate;
import io.keyward.contract.Vendor;
import io.keyward.registry.VendorRegistry;
import io.keyward.request.CallRequest;
import io.keyward.request.RequestReader;
import io.keyward.route.Route;
import io.keyward.route.Router;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * How long Keyward takes to read and price a call of 1 MiB, the largest body it accepts by default:
 * the request step's one reading (parse, shape checks, canonical parameters) plus the vendor's cost
 * model, for the three shapes that once made the estimators quadratic: a Resend batch of thousands
 * of small emails, a Stripe Checkout Session with thousands of lines, and a Twilio message body.
 * Prints a Markdown table of the best and median of many runs after warm-up.
 *
 * <p>Usage: {@code java -cp samples/target/keyward-quickstart.jar io.keyward.samples.bench.PricingBenchmark [runs]}.
 */
public final class PricingBenchmark {
    private static final int MIB = 1024 * 1024;

    private PricingBenchmark() {
    }

    private record Shape(String name, String method, String path, String contentType, byte[] body) {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        KeywardConfig config = new ConfigLoader(Map.<String, String>of()::get).parse("""
                security:
                  key_pepper: pricing-benchmark-pepper-0123456789abcdef
                  admin_token_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
                database:
                  url: jdbc:mariadb://127.0.0.1:1/unused
                vendors:
                  stripe: {base_url: "https://api.stripe.com", secret: sk_test_bench}
                  twilio: {base_url: "https://api.twilio.com", secret: bench, account_sid: AC00000000000000000000000000000000}
                  resend: {base_url: "https://api.resend.com", secret: re_bench}
                """);
        Map<String, Vendor> vendors = VendorRegistry.fromConfig(config.vendors(), config.spend());
        Router router = new Router("", vendors);
        RequestReader reader = new RequestReader(new LimitsConfig(MIB, false, LimitsConfig.DEFAULT_MIN_BODY_BYTES_PER_SECOND));
        System.out.println("| call (1 MiB) | parameters | best ms | median ms | estimate USD |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Shape shape : shapes()) {
            Route route = router.route(shape.path(), null).orElseThrow();
            long[] nanos = new long[runs];
            CallRequest call = null;
            Estimate estimate = null;
            for (int warm = 0; warm < runs / 4; warm++) {
                reader.read(request(shape), route);
            }
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                call = reader.read(request(shape), route);
                estimate = route.vendor().costs().estimate(call.operation(), call.params());
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            System.out.printf("| %s | %,d | %.1f | %.1f | %s |%n", shape.name(), call.params().all().size(),
                    nanos[0] / 1e6, nanos[runs / 2] / 1e6, estimate.known() ? estimate.usd().toPlainString() : estimate.basis());
        }
    }

    private static List<Shape> shapes() {
        StringBuilder batch = new StringBuilder("[");
        while (batch.length() < MIB - 200) {
            batch.append(batch.length() == 1 ? "" : ",").append("{\"from\":\"a@x.com\",\"to\":[\"b@x.com\",\"c@x.com\"],\"subject\":\"s\"}");
        }
        StringBuilder checkout = new StringBuilder("mode=payment");
        for (int i = 0; checkout.length() < MIB - 300; i++) {
            String line = "&line_items[" + i + "]";
            checkout.append(line).append("[price_data][currency]=usd").append(line).append("[price_data][unit_amount]=100")
                    .append(line).append("[quantity]=2");
        }
        String sms = "To=%2B15551234567&Body=" + "%E2%82%AC".repeat((MIB - 100) / 9);
        return List.of(
                new Shape("Resend emails.batch", "POST", "/resend/emails/batch", "application/json", bytes(batch.append("]"))),
                new Shape("Stripe checkout.sessions.create", "POST", "/stripe/v1/checkout/sessions",
                        "application/x-www-form-urlencoded", bytes(checkout)),
                new Shape("Twilio messages.create", "POST", "/twilio/2010-04-01/Accounts/AC1/Messages.json",
                        "application/x-www-form-urlencoded", bytes(sms)));
    }

    private static byte[] bytes(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The few servlet request methods the request step calls, answered from the shape. */
    private static HttpServletRequest request(Shape shape) {
        ByteArrayInputStream in = new ByteArrayInputStream(shape.body());
        ServletInputStream stream = new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(PricingBenchmark.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getMethod" -> shape.method();
                    case "getContentType" -> shape.contentType();
                    case "getContentLengthLong" -> (long) shape.body().length;
                    case "getHeaderNames" -> Collections.enumeration(List.of("Content-Type"));
                    case "getHeaders" -> Collections.enumeration("Content-Type".equalsIgnoreCase((String) args[0])
                            ? List.of(shape.contentType()) : List.<String>of());
                    case "getHeader" -> "Content-Type".equalsIgnoreCase((String) args[0]) ? shape.contentType() : null;
                    case "getInputStream" -> stream;
                    default -> null;
                });
    }
}
