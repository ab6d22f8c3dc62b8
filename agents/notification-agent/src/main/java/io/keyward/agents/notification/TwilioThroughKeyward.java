package io.keyward.agents.notification;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import java.net.URI;

/**
 * twilio-java has no base-URL setting: every request it builds names {@code https://api.twilio.com}
 * (or another {@code *.twilio.com} host). Its client does take an HTTP client of ours, so this one
 * re-points each request at Keyward before sending it with twilio-java's own network client:
 * {@code https://api.twilio.com/2010-04-01/...} becomes {@code {gateway}/twilio/2010-04-01/...} and
 * {@code https://verify.twilio.com/v2/...} becomes {@code {gateway}/twilio/verify/v2/...}.
 * The vault key goes where the auth token would; the account SID may be any (Keyward puts the real one in).
 */
final class TwilioThroughKeyward extends NetworkHttpClient {
    private final String twilioBase;

    private TwilioThroughKeyward(String gateway) {
        this.twilioBase = gateway + "/twilio";
    }

    static TwilioRestClient client(String gateway, String accountSid, String vaultKey) {
        return new TwilioRestClient.Builder(accountSid, vaultKey)
                .httpClient(new TwilioThroughKeyward(gateway))
                .build();
    }

    @Override
    public Response makeRequest(Request request) {
        return super.makeRequest(reroute(request));
    }

    private Request reroute(Request original) {
        URI url = URI.create(original.getUrl());
        String service = url.getHost().substring(0, url.getHost().indexOf('.'));
        String target = twilioBase + ("api".equals(service) ? "" : "/" + service) + url.getRawPath();
        Request copy = new Request(original.getMethod(), target);
        original.getQueryParams().forEach((name, values) -> values.forEach(v -> copy.addQueryParam(name, v)));
        original.getPostParams().forEach((name, values) -> values.forEach(v -> copy.addPostParam(name, v)));
        original.getHeaderParams().forEach((name, values) -> values.forEach(v -> copy.addHeaderParam(name, v)));
        if (original.getContentType() != null) {
            copy.setContentType(original.getContentType());
        }
        if (original.getBody() != null) {
            copy.setBody(original.getBody());
        }
        if (original.getAuthStrategy() != null) {
            copy.setAuth(original.getAuthStrategy());
        } else {
            copy.setAuth(original.getUsername(), original.getPassword());
        }
        copy.setUserAgentExtensions(original.getUserAgentExtensions());
        return copy;
    }
}
