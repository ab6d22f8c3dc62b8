package io.keyward.gateway;

import io.keyward.decision.ErrorReply;
import io.keyward.decision.NotServed;
import io.keyward.decision.RequestIds;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers every request that reaches Keyward's web app and is not served, and the container's own
 * error dispatches, in the one JSON error shape. The container's HTML page would be read as a
 * success by some SDKs (stripe-node resolves a 405 page), and as garbage by every other client.
 * Mapped as the default servlet ({@code /}) and as the error page.
 */
public final class NotServedServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object errorStatus = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        NotServed answer = NotServed.of(errorStatus instanceof Integer s ? s : 0);
        ErrorReply.write(response, answer.status(), answer.code(), answer.message(), null, RequestIds.next());
    }
}
