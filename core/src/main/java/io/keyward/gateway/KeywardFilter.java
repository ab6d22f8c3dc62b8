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
import io.keyward.forward.VendorAnswer;
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
import jakarta.servlet.AsyncContext;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * <p>Threads: the steps up to the reservation (and a money call's audit write-ahead) run on the
 * request thread. When the request is async-capable the filter then starts the request's async
 * cycle and returns the thread while the vendor works; settle, the answer and the audit row run on a
 * container thread once the vendor's answer is in ({@link #completeAsync}). Nothing here lives in a
 * ThreadLocal or MDC, and the request and response are touched only before that hand-off or by the
 * continuation, until it completes the async cycle. Without async support (a web.xml that does not
 * declare it) the request thread waits for the vendor, as before.
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
        Outbound outbound;
        CompletableFuture<VendorAnswer> answer;
        try {
            outbound = prepare(route.orElse(null), rawPath, authorization, request, response, event);
            answer = send(outbound);
        } catch (Refusal refusal) {
            refused(refusal, request, response, event);
            recorded(event, start);
            return;
        } catch (RuntimeException | StackOverflowError e) {
            failedInside(e, response, event);
            recorded(event, start);
            return;
        } catch (IOException e) {
            // The agent's connection failed while its request was read: nothing to answer, but the call is audited.
            recorded(event, start);
            throw e;
        }
        if (request.isAsyncSupported() && startedAsync(request, event)) {
            completeAsync(outbound, answer, request, response, event, start);
            return;
        }
        // A container or chain without async support: this thread waits for the vendor, as Keyward once always did.
        if (!finish(outbound, answer.handle(Outcome::new).join(), request, response, event, start)) {
            abort(response, event.requestId());
        }
    }

    /**
     * Frees the request thread while the vendor works: the call continues, once the vendor's answer is
     * in (or failed), on a container thread of the async request ({@link AsyncContext#start}), never on
     * HttpClient's I/O thread, which must not block on the agent's socket or the store.
     */
    private void completeAsync(Outbound outbound, CompletableFuture<VendorAnswer> answer, HttpServletRequest request,
                               HttpServletResponse response, AuditEvent event, long start) {
        AsyncContext async = request.getAsyncContext();
        answer.whenComplete((vendorAnswer, failure) -> {
            Outcome outcome = new Outcome(vendorAnswer, failure);
            try {
                async.start(() -> {
                    try {
                        finish(outbound, outcome, request, response, event, start);
                    } finally {
                        // A broken-off answer was sent short of its length with Connection: close; complete ends it.
                        async.complete();
                    }
                });
            } catch (RuntimeException e) {
                // The container runs nothing more for this request (stopping, or its queue is full): settle,
                // audit, and end the agent's request with the small error here rather than leave it open.
                LOG.warn("Call {} could not be continued on a container thread: {}", event.requestId(), Faults.describe(e));
                settleUnanswered(outbound, outcome, event);
                recorded(event, start);
                try {
                    reply(response, unavailable(), event.requestId());
                    async.complete();
                } catch (RuntimeException ended) {
                    // Already ended by the container.
                }
            }
        });
    }

    /**
     * Starts the request's async cycle, with no container timeout: the vendor's own timeouts bound
     * the wait (a container's default of 30 s would cut a slower operation's response timeout short).
     * A container that refuses leaves the call on the blocking path.
     */
    private static boolean startedAsync(HttpServletRequest request, AuditEvent event) {
        try {
            request.startAsync().setTimeout(0);
            return true;
        } catch (IllegalStateException e) {
            LOG.debug("Call {} waits on the request thread: {}", event.requestId(), e.getMessage());
            return false;
        }
    }

    /** The vendor's answer, or why there is none. */
    private record Outcome(VendorAnswer answer, Throwable failure) {
        Throwable cause() {
            return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        }

        UpstreamFailure upstreamFailure() {
            Throwable cause = cause();
            if (cause instanceof UpstreamFailure f) {
                return f;
            }
            if (cause instanceof RuntimeException e) {
                throw e;
            }
            throw new IllegalStateException("the exchange with the vendor failed", cause);
        }
    }

    /**
     * The steps after the vendor: settle, the answer (or the error) to the agent, the audit row.
     *
     * @return false when the vendor's answer broke off after its status reached the agent
     */
    private boolean finish(Outbound outbound, Outcome outcome, HttpServletRequest request, HttpServletResponse response,
                           AuditEvent event, long start) {
        boolean complete = true;
        try {
            ForwardResult result;
            try {
                if (outcome.failure() != null) {
                    throw outcome.upstreamFailure();
                }
                result = keyward.forwarder().answer(outcome.answer(), outbound.route(), response, outbound.reservation().holdsMoney());
            } catch (UpstreamFailure failure) {
                event.settled(keyward.spend().afterFailure(outbound.reservation(), failure.vendorMayHaveActed()));
                if (!failure.vendorMayHaveActed()) {
                    outbound.approval().giveBack();
                }
                throw failure.refusal();
            } catch (RuntimeException | StackOverflowError e) {
                // A fault of Keyward's own once the request may have left: the vendor may have acted, so
                // the estimate is kept, as for a timeout; left unsettled, it would stay held all day.
                event.settled(keyward.spend().afterFailure(outbound.reservation(), true));
                throw e;
            }
            event.forwarded(result);
            event.settled(keyward.spend().settle(outbound.reservation(), outbound.route(), outbound.call(), result));
            complete = result.complete();
        } catch (Refusal refusal) {
            refused(refusal, request, response, event);
        } catch (RuntimeException | StackOverflowError e) {
            failedInside(e, response, event);
        } finally {
            recorded(event, start);
        }
        return complete;
    }

    /** Without a container thread to answer on, the reservation is still settled as the vendor's outcome says. */
    private void settleUnanswered(Outbound outbound, Outcome outcome, AuditEvent event) {
        // Only an upstream failure that says so proves the vendor did not act; anything else keeps the estimate.
        boolean mayHaveActed = !(outcome.cause() instanceof UpstreamFailure f) || f.vendorMayHaveActed();
        try {
            event.settled(keyward.spend().afterFailure(outbound.reservation(), mayHaveActed));
        } catch (RuntimeException e) {
            LOG.error("Call {} could not be settled: {}", event.requestId(), Faults.describe(e));
        }
        event.refused(unavailable());
    }

    private void refused(Refusal refusal, HttpServletRequest request, HttpServletResponse response, AuditEvent event) {
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
        reply(response, refusal, event.requestId());
    }

    /**
     * A fault of Keyward's own: the agent learns only that the store or gateway is unavailable, and the
     * call is still refused and audited (a stack overflow included: it is an Error, and would otherwise
     * escape to the container's HTML error page with no audit row).
     */
    private void failedInside(Throwable e, HttpServletResponse response, AuditEvent event) {
        LOG.error("Call {} failed inside Keyward: {}", event.requestId(), Faults.describe(e));
        Refusal unavailable = unavailable();
        event.refused(unavailable);
        reply(response, unavailable, event.requestId());
    }

    /** What the agent learns of a fault of Keyward's own: only that the gateway is unavailable. */
    private static Refusal unavailable() {
        return new Refusal(Code.ERROR_UNAVAILABLE, "Keyward is unavailable; try again later");
    }

    /** The error to the agent; one that has gone needs none, and its call is audited all the same. */
    private static void reply(HttpServletResponse response, Refusal refusal, String requestId) {
        try {
            ErrorReply.write(response, refusal, requestId);
        } catch (IOException e) {
            LOG.debug("Call {}: the agent left before its error was written", requestId);
        }
    }

    private void recorded(AuditEvent event, long start) {
        if (event.recorded()) {
            keyward.audit().write(event.toRow(keyward.config().nodeId(), keyward.redactor()));
        }
        long inFilterMicros = (System.nanoTime() - start) / 1_000 - event.upstreamMicros();
        keyward.filterOverhead().record(inFilterMicros);
        keyward.metrics().callEnded(event, inFilterMicros);
    }

    /**
     * Ends an answer whose vendor broke off mid-body so that the agent sees a broken connection, not
     * a complete one. The answer already went out with {@code Connection: close} and short of its
     * declared length; on the blocking path an exception thrown after the commit also makes the
     * container close the connection at once, the one way Servlet has to abort (Jetty and Tomcat
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

    /** A call that passed every step before the vendor: what the steps after it need. */
    private record Outbound(Route route, CallRequest call, Reservation reservation, Approval approval, UpstreamCredential credential) {
    }

    /**
     * Sends the call; a refusal before anything went out (bulkhead, circuit) releases its reservation,
     * and any other failure is settled in {@link #finish} as one that may have reached the vendor.
     */
    private CompletableFuture<VendorAnswer> send(Outbound outbound) {
        try {
            return keyward.forwarder().send(outbound.route(), outbound.call(), outbound.credential());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Every step before the vendor: route, auth, request, policy, guard, spend (reserve), secret, and
     * for a money call the audit row written ahead.
     *
     * @param prefixed the route its vendor prefix chose, or null to route by the key's vendor
     */
    private Outbound prepare(Route prefixed, String rawPath, List<String> authorization, HttpServletRequest request,
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
        return new Outbound(route, call, reservation, approval, credential);
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
