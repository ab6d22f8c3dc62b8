package io.keyward.gateway;

import io.keyward.approval.Approval;
import io.keyward.audit.AuditEvent;
import io.keyward.auth.Authenticator;
import io.keyward.auth.VaultKeyExtractor;
import io.keyward.contract.Vendor;
import io.keyward.decision.Code;
import io.keyward.decision.Decision;
import io.keyward.decision.ErrorReply;
import io.keyward.decision.Refusal;
import io.keyward.decision.RequestIds;
import io.keyward.forward.ForwardResult;
import io.keyward.forward.UpstreamFailure;
import io.keyward.money.Usd;
import io.keyward.spend.Budget;
import io.keyward.spend.Reservation;
import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.key.VaultKey;
import io.keyward.key.VaultKeyFormat;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import io.keyward.contract.UpstreamCredential;
import io.keyward.secret.CredentialInjector;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: serves {@code {prefix}/{vendor}/...}, and {@code {prefix}/...} for a request that
 * presents a vault key (routed to the key's vendor); every other path passes down the chain.
 * This class alone knows the order of the steps of a call:
 *
 * <pre>
 *   route -> auth -> request -> policy -> guard -> spend (reserve) -> secret -> forward -> spend (settle) -> audit
 * </pre>
 *
 * Any step may answer early by throwing a {@link Refusal}; the answer is the JSON error shape, and
 * every call, allowed or refused, becomes one audit row.
 *
 * <p>Wiring: either construct it with a running {@link Keyward} (embedded use), or declare it in
 * {@code web.xml} after {@link KeywardContextListener}, which publishes the instance this filter
 * picks up in {@link #init}. It takes no init-params of its own; all settings are in the config file.
 */
public final class KeywardFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(KeywardFilter.class);
    static final String BUDGET_REMAINING = "X-Keyward-Budget-Remaining-Usd";
    static final String BUDGET_RESET = "X-Keyward-Budget-Reset";
    private Keyward keyward;

    /** For web.xml: the instance comes from the ServletContext at init. */
    public KeywardFilter() {
    }

    public KeywardFilter(Keyward keyward) {
        this.keyward = keyward;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (filterConfig.getInitParameterNames().hasMoreElements()) {
            throw new ServletException("KeywardFilter takes no init-params; settings live in the Keyward config file");
        }
        if (keyward == null) {
            Object published = filterConfig.getServletContext().getAttribute(Keyward.CONTEXT_ATTRIBUTE);
            if (!(published instanceof Keyward k)) {
                throw new ServletException("No running Keyward in this web app: declare "
                        + KeywardContextListener.class.getName() + " as a listener");
            }
            keyward = k;
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String rawPath = request.getRequestURI().substring(request.getContextPath().length());
        List<String> authorization = Collections.list(request.getHeaders("Authorization"));
        Optional<Route> route = keyward.router().route(rawPath, request.getQueryString());
        boolean byKey = route.isEmpty() && VaultKeyExtractor.presentsVaultKey(authorization) && keyward.router().routesByKey(rawPath);
        if (route.isEmpty() && !byKey) {
            chain.doFilter(req, res);
            return;
        }
        long start = System.nanoTime();
        AuditEvent event = new AuditEvent(RequestIds.next(), request.getMethod(), route.map(Route::vendorPath).orElse(rawPath));
        route.ifPresent(r -> event.vendor(r.vendor().name()));
        response.setHeader(ErrorReply.REQUEST_ID_HEADER, event.requestId());
        boolean brokeOff = false;
        try {
            brokeOff = !proxy(route.orElse(null), rawPath, authorization, request, response, event);
        } catch (Refusal refusal) {
            event.refused(refusal);
            if (Authenticator.OVER_LIMIT_RULE.equals(refusal.rule())) {
                // Guessing from one address is recorded once a second, so it cannot fill the audit spool.
                String reason = keyward.authenticator().overLimitAuditReason(request.getRemoteAddr(), refusal.getMessage());
                if (reason == null) {
                    event.unrecorded();
                } else {
                    event.reason(reason);
                }
            }
            ErrorReply.write(response, refusal, event.requestId());
        } catch (RuntimeException | StackOverflowError e) {
            // A fault of Keyward's own: the agent learns only that the store or gateway is unavailable,
            // and the call is still refused and audited (a stack overflow included: it is an Error,
            // and would otherwise escape to the container's HTML error page with no audit row).
            LOG.error("Call {} failed inside Keyward: {}", event.requestId(), Faults.describe(e));
            Refusal unavailable = new Refusal(Code.ERROR_UNAVAILABLE, "Keyward is unavailable; try again later");
            event.refused(unavailable);
            ErrorReply.write(response, unavailable, event.requestId());
        } finally {
            if (event.recorded()) {
                keyward.audit().write(event.toRow(keyward.config().nodeId(), keyward.redactor()));
            }
            long inFilterMicros = (System.nanoTime() - start) / 1_000 - event.upstreamMicros();
            keyward.filterOverhead().record(inFilterMicros);
            keyward.metrics().callEnded(event, inFilterMicros);
        }
        if (brokeOff) {
            abort(response, event.requestId());
        }
    }

    /**
     * Ends an answer whose vendor broke off mid-body so that the agent sees a broken connection, not
     * a complete one: left alone, the container would finish it as whole (a 200 with an empty or a
     * cut body looks like a complete answer to an SDK). The status and headers are committed first;
     * an exception thrown after the commit makes the container close the connection without the
     * last chunk or short of the Content-Length, the one way Servlet has to abort (Jetty and Tomcat
     * both do: VendorFaultTest and the distribution tests).
     */
    private static void abort(HttpServletResponse response, String requestId) throws IOException {
        response.flushBuffer();
        throw new VendorBrokeOff(requestId);
    }

    /** Thrown past the container on purpose; its message names the call only. */
    static final class VendorBrokeOff extends IOException {
        VendorBrokeOff(String requestId) {
            super("the vendor's answer to call " + requestId + " broke off; the agent's connection is aborted");
        }
    }

    /**
     * @param prefixed the route its vendor prefix chose, or null to route by the key's vendor
     * @return false when the vendor's answer broke off after its status reached the agent
     */
    private boolean proxy(Route prefixed, String rawPath, List<String> authorization, HttpServletRequest request,
                       HttpServletResponse response, AuditEvent event) throws IOException {
        if (!keyward.audit().accepting()) {
            throw auditUnavailable("audit.spool_full");
        }
        VaultKey key = keyward.authenticator().authenticate(authorization, request.getRemoteAddr());
        event.key(key);
        Route route = prefixed != null ? prefixed : routeByKey(key, rawPath, request.getQueryString());
        event.vendor(route.vendor().name());
        budgetHeaders(response, keyward.spend().budget(key));
        CallRequest call = keyward.requestReader().read(request, route);
        event.call(call);
        refuseVaultKeyInTheCall(route, call);
        Decision decision = keyward.policy().check(key, route, call);
        event.decided(decision);
        keyward.guards().check(key, call);
        Approval approval = keyward.approvals().admit(key, route, call, decision, event.requestId());
        Reservation reservation;
        try {
            reservation = keyward.spend().reserve(key, route, call, event.requestId());
        } catch (RuntimeException | StackOverflowError e) {
            // Over a cap, say: the call goes nowhere, and the operator's yes stays for when it can.
            approval.giveBack();
            throw e;
        }
        event.reserved(reservation);
        UpstreamCredential credential;
        try {
            if (reservation.holdsMoney()) {
                budgetHeaders(response, keyward.spend().budget(key));
            }
            credential = keyward.credentials().credentialFor(route, call,
                    keyward.vendorSecrets().current(route.vendor().name(), key.secretVersion()));
            event.forwardedPath(credential.path());
            if (reservation.holdsMoney()) {
                writeAhead(event);
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Refused before anything was sent (the ledger read for the budget headers, the secret
            // store, the write-ahead failed): the vendor cannot have acted, so the money goes back.
            // Left held, it would count against the cap until the end of the day.
            event.settled(keyward.spend().afterFailure(reservation, false));
            approval.giveBack();
            throw e;
        }
        ForwardResult result;
        try {
            result = keyward.forwarder().forward(route, call, credential, response, reservation.holdsMoney());
        } catch (UpstreamFailure failure) {
            event.settled(keyward.spend().afterFailure(reservation, failure.vendorMayHaveActed()));
            throw failure.refusal();
        } catch (RuntimeException | StackOverflowError e) {
            // A fault of Keyward's own once the request may have left: the vendor may have acted, so
            // the estimate is kept, as for a timeout.
            event.settled(keyward.spend().afterFailure(reservation, true));
            throw e;
        }
        event.forwarded(result);
        event.settled(keyward.spend().settle(reservation, route, call, result));
        return result.complete();
    }

    /** A money call's row reaches the disk before the vendor can act on the call, or the call does not go out. */
    private void writeAhead(AuditEvent event) {
        try {
            keyward.audit().beforeForwarding(event.toRow(keyward.config().nodeId(), keyward.redactor()));
        } catch (IOException e) {
            throw auditUnavailable("audit.write_ahead");
        }
    }

    private static Refusal auditUnavailable(String rule) {
        return new Refusal(Code.ERROR_UNAVAILABLE, 503, "the audit trail cannot be written now; calls are refused until it can", rule);
    }

    private Route routeByKey(VaultKey key, String rawPath, String rawQuery) {
        Vendor vendor = keyward.router().vendor(key.vendor()).orElseThrow(() -> new Refusal(Code.DENIED_VENDOR, 403,
                "vault key " + key.id() + " is for " + key.vendor() + ", which this gateway does not serve", "vendor"));
        return keyward.router().routeByKey(rawPath, rawQuery, vendor);
    }

    /**
     * Vault keys are Keyward's, never the vendor's: a call that would carry one upstream (its own or
     * any other agent's; in the path once the account segment is set, in a parameter, an admitted
     * header or the body) is refused, so no vendor log or echo (a request id built from the
     * Idempotency-Key) ever holds one. twilio-java's username in {@code /Accounts/{Sid}/} is the one
     * place the agent's own key may appear: that segment is replaced.
     */
    private static void refuseVaultKeyInTheCall(Route route, CallRequest call) {
        boolean carried = VaultKeyFormat.holdsKey(CredentialInjector.upstreamPath(route, call))
                || call.params().all().stream().anyMatch(p -> p.source() != Param.Source.PATH
                        && (p.value() != null && VaultKeyFormat.holdsKey(p.value()) || holdsKey(p.name())))
                || call.headers().stream().anyMatch(h -> VaultKeyFormat.holdsKey(h.value()))
                || VaultKeyFormat.holdsKey(call.body());
        if (carried) {
            throw new Refusal(Code.DENIED_MALFORMED, 400, "the call carries a vault key outside Authorization;"
                    + " vault keys are never sent to the vendor", "request.vault_key");
        }
    }

    /** Names too, decoded: a metadata key or a custom email header's name is the agent's choice and the vendor keeps it. */
    private static boolean holdsKey(ParamName name) {
        return VaultKeyFormat.holdsKey(name.toString()) || name.segments().stream().anyMatch(VaultKeyFormat::holdsKey);
    }

    private static void budgetHeaders(HttpServletResponse response, Budget budget) {
        response.setHeader(BUDGET_REMAINING, Usd.format(budget.remainingUsd()));
        response.setHeader(BUDGET_RESET, budget.resetsAt().toString());
    }

    @Override
    public void destroy() {
        // The Keyward instance belongs to whoever created it (the listener or the embedding code).
    }
}
