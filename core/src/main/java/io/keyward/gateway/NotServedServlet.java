package io.keyward.gateway;

import io.keyward.decision.ErrorReply;
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
    static final String HOW = "Keyward serves /{vendor}/... (or any path with a vault key in Authorization) and /admin/...";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object errorStatus = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = errorStatus instanceof Integer s && s >= 400 ? s : 404;
        String code = switch (status) {
            case 400 -> "invalid_request";
            case 404, 405 -> "not_found";
            default -> status < 500 ? "invalid_request" : "error_unavailable";
        };
        String message = code.equals("not_found") ? "nothing here: " + HOW
                : status < 500 ? "the request could not be read" : "Keyward is unavailable; try again later";
        ErrorReply.write(response, status == 405 ? 404 : status, code, message, null, RequestIds.next());
    }
}
