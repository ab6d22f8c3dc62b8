package io.keyward.samples;

import io.keyward.decision.ErrorReply;
import io.keyward.decision.NotServed;
import io.keyward.decision.RequestIds;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The server's own errors in the one JSON error shape: a request target Jetty cannot decode
 * ({@code /%zz}), a duplicate {@code Host}, a bad request line. Jetty answers these before any web
 * app is chosen, so Keyward's servlets never see them; without this the agent would get an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object status = request.getAttribute(ERROR_STATUS);
        NotServed answer = NotServed.of(status instanceof Integer s ? s : response.getStatus());
        String requestId = RequestIds.next();
        response.setStatus(answer.status());
        headers(response.getHeaders(), requestId);
        response.write(true, ByteBuffer.wrap(answer.body(requestId)), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String requestId = RequestIds.next();
        headers(fields, requestId);
        return ByteBuffer.wrap(NotServed.of(status).body(requestId));
    }

    private static void headers(HttpFields.Mutable fields, String requestId) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        fields.put(ErrorReply.REQUEST_ID_HEADER, requestId);
    }
}
