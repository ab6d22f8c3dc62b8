package io.keyward.agents.notification;

import com.resend.Resend;
import com.resend.core.service.BaseService;
import com.resend.services.emails.Emails;
import java.lang.reflect.Field;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * resend-java 4.23.0 fixes its base URL ({@code https://api.resend.com}, a constant) and builds its
 * own {@code OkHttpClient} with no way to pass one in. So the agent adds an OkHttp interceptor to
 * the client of the service it uses, which rewrites {@code https://api.resend.com/emails} to
 * {@code {gateway}/resend/emails}. That reaches into two private fields (BaseService.httpClient,
 * then the SDK HttpClient's httpClient): it is tied to this SDK version, and fails loudly (never
 * silently calls Resend directly) if those fields change. The vault key goes where the API key would.
 */
final class ResendThroughKeyward {
    private ResendThroughKeyward() {
    }

    static Emails emails(String gateway, String vaultKey) {
        Emails emails = new Resend(vaultKey).emails();
        HttpUrl base = HttpUrl.get(gateway + "/resend/");
        try {
            Field serviceClient = BaseService.class.getDeclaredField("httpClient");
            serviceClient.setAccessible(true);
            Object sdkClient = serviceClient.get(emails);
            Field okHttpField = sdkClient.getClass().getDeclaredField("httpClient");
            okHttpField.setAccessible(true);
            OkHttpClient original = (OkHttpClient) okHttpField.get(sdkClient);
            okHttpField.set(sdkClient, original.newBuilder().addInterceptor(rerouteTo(base)).build());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("resend-java's internals changed; cannot route it through Keyward", e);
        }
        return emails;
    }

    private static Interceptor rerouteTo(HttpUrl base) {
        return chain -> {
            Request request = chain.request();
            HttpUrl from = request.url();
            if (!"api.resend.com".equals(from.host())) {
                throw new IllegalStateException("unexpected Resend host " + from.host());
            }
            HttpUrl.Builder to = base.newBuilder().encodedQuery(from.encodedQuery());
            for (String segment : from.encodedPathSegments()) {
                to.addEncodedPathSegment(segment);
            }
            return chain.proceed(request.newBuilder().url(to.build()).build());
        };
    }
}
