package io.keyward.admin;

import io.keyward.approval.ApprovalJson;
import io.keyward.store.ApprovalRepository;
import io.keyward.store.ApprovalRow;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.auth.FailedAuthLimit;
import io.keyward.decision.Code;
import io.keyward.decision.ErrorReply;
import io.keyward.decision.RequestIds;
import io.keyward.gateway.Keyward;
import io.keyward.json.Json;
import io.keyward.key.VaultKey;
import io.keyward.metrics.ScrapeFormat;
import io.keyward.store.CallQuery;
import io.keyward.money.Usd;
import io.keyward.store.AdminEvent;
import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API, mapped at {@code /admin/*}: issue, inspect, list and revoke vault keys, read the
 * audit log, admin tokens, and a health check. Every endpoint but {@code GET /admin/health} requires
 * {@code Authorization: Bearer <admin token>} holding the route's scope ({@link AdminScope}; 403
 * {@code denied_scope} otherwise): the bootstrap token of the config (only its SHA-256 there,
 * compared in constant time) holds {@code admin}; tokens made with {@code POST /admin/tokens} hold
 * what they were given. Failed authentications are limited per client address (429). Unless
 * {@code security.admin_allow_from: any}, only callers on this machine (loopback) reach it at all;
 * others get 404. Health stays open so load balancers can probe it; it tells only up or down.
 *
 * <p>Wiring is as for {@link io.keyward.gateway.KeywardFilter}: construct with a running Keyward, or
 * declare it in web.xml after the listener. It takes no init-params.
 */
public final class AdminServlet extends HttpServlet {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);
    private static final String DENIED_SCOPE = "denied_scope";
    private static final Set<String> KEY_LIST_PARAMS = Set.of("agent_name", "agent_run_id", "vendor", "state", "limit", "cursor");
    private static final Set<String> SPEND_PARAMS = Set.of("key_id", "agent_name", "agent_run_id", "day");
    private static final Set<String> APPROVAL_LIST_PARAMS = Set.of("state", "limit", "cursor");
    private static final Set<String> APPROVAL_STATES = Set.of(ApprovalRow.PENDING, ApprovalRow.APPROVED, ApprovalRow.DENIED, ApprovalRow.USED);
    private static final Set<String> CALL_LIST_PARAMS = Set.of("agent_run_id", "key_id", "agent_name", "vendor", "result",
            "since", "until", "limit", "cursor");

    private transient Keyward keyward;
    private transient KeyAdmin keys;
    private transient KillSwitches killSwitches;
    private transient AdminTokens tokens;
    private transient FailedAuthLimit failures;

    /** For web.xml: the instance comes from the ServletContext at init. */
    public AdminServlet() {
    }

    public AdminServlet(Keyward keyward) {
        this.keyward = keyward;
    }

    @Override
    public void init(ServletConfig servletConfig) throws ServletException {
        super.init(servletConfig);
        if (servletConfig.getInitParameterNames().hasMoreElements()) {
            throw new ServletException("AdminServlet takes no init-params; settings live in the Keyward config file");
        }
        if (keyward == null) {
            Object published = servletConfig.getServletContext().getAttribute(Keyward.CONTEXT_ATTRIBUTE);
            if (!(published instanceof Keyward k)) {
                throw new ServletException("No running Keyward in this web app: declare io.keyward.gateway.KeywardContextListener");
            }
            keyward = k;
        }
        keys = new KeyAdmin(keyward.store().keys(), keyward.hasher(), keyward.config().keys(), keyward.vendors());
        killSwitches = new KillSwitches(keyward.store().keys(), keyward.vendors().keySet());
        tokens = new AdminTokens(keyward.config().security().adminTokenSha256(), keyward.store().adminTokens());
        failures = new FailedAuthLimit(keyward.config().guards().unauthenticatedPerSecond());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        response.setHeader(ErrorReply.REQUEST_ID_HEADER, requestId);
        response.setHeader("Cache-Control", "no-store");
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String method = request.getMethod();
        try {
            if (path.equals("/health") && method.equals("GET")) {
                health(response);
                return;
            }
            String address = request.getRemoteAddr();
            if (!keyward.config().security().adminFromAnywhere() && !loopback(address)) {
                // As if there were no admin API here: callers elsewhere learn nothing of it.
                ErrorReply.write(response, 404, "not_found", "no such route", null, requestId);
                return;
            }
            if (ConsoleFiles.owns(path)) {
                // The console's files hold no data, so they need no token (docs/console.md); every
                // call the page makes is an admin API call with the token in its header.
                ConsoleFiles.serve(method, path, request, response, requestId);
                return;
            }
            // A token that could be real is always looked at (one indexed query; the admin API answers
            // its own machine only), so a neighbour sending wrong tokens cannot lock the operator out
            // of the kill switch; past the limit, failures are answered 429.
            String bearer = bearer(request);
            boolean mayBeLive = bearer != null && tokens.mayBeLive(bearer);
            Optional<AdminCaller> caller = mayBeLive ? tokens.caller(bearer) : Optional.empty();
            if (caller.isEmpty()) {
                boolean over = mayBeLive ? failures.over(address) : failures.junk(address);
                if (mayBeLive) {
                    failures.failed(address);
                }
                if (over) {
                    response.setHeader("Retry-After", "1");
                    ErrorReply.write(response, 429, Code.DENIED_RATE_LIMIT.wire(), "too many failed admin authentications from this address", null, requestId);
                } else {
                    ErrorReply.write(response, 401, "unauthorized", "admin token missing or wrong: send Authorization: Bearer <admin token>", null, requestId);
                }
                return;
            }
            AdminScope needed = AdminScope.requiredFor(method, path.substring(1).split("/", -1));
            if (!caller.get().may(needed)) {
                ErrorReply.write(response, 403, DENIED_SCOPE, "this admin token lacks the " + needed.wire() + " scope", null, requestId);
                return;
            }
            try {
                route(method, path, request, response, requestId, caller.get());
            } finally {
                if (changesLiveKeys(method, path)) {
                    // A revoke, switch, unfreeze or secret rotation holds on this node at once (its
                    // cached keys and escrow leases go); other nodes see it at their next revoke poll.
                    keyward.keyCache().invalidateAll();
                }
            }
        } catch (AdminScopeException e) {
            ErrorReply.write(response, 403, DENIED_SCOPE, e.getMessage(), null, requestId);
        } catch (AdminConflictException e) {
            ErrorReply.write(response, 409, "conflict", e.getMessage(), null, requestId);
        } catch (AdminInputException e) {
            ErrorReply.write(response, 400, "invalid_request", e.getMessage(), e.param(), requestId);
        } catch (RuntimeException e) {
            LOG.error("Admin request {} failed: {}", requestId, e.getClass().getName());
            ErrorReply.write(response, 503, Code.ERROR_UNAVAILABLE.wire(), "the Keyward store is unavailable; try again later", null, requestId);
        }
    }

    /**
     * Whether the request may change what an existing key is allowed to do. Issuing a key does not
     * (an id cannot be presented before it is issued), nor does resetting metrics; dropping every cached key and
     * lease for those would only send the next calls back to the database.
     */
    private static boolean changesLiveKeys(String method, String path) {
        return !method.equals("GET") && !path.equals("/keys") && !path.startsWith("/metrics") && !path.startsWith("/approvals");
    }

    /** What this node measures of itself: time inside the filter (vendor excluded), heap, threads. */
    private ObjectNode metrics() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode overhead = body.putObject("filter_overhead_us");
        io.keyward.gateway.LatencyHistogram h = keyward.filterOverhead();
        overhead.put("count", h.count());
        overhead.put("p50", h.percentile(50));
        overhead.put("p90", h.percentile(90));
        overhead.put("p99", h.percentile(99));
        Runtime runtime = Runtime.getRuntime();
        body.put("heap_used_bytes", runtime.totalMemory() - runtime.freeMemory());
        body.put("heap_max_bytes", runtime.maxMemory());
        body.put("threads", Thread.activeCount());
        body.put("reservation_round_trips", keyward.spend().reservationRoundTrips());
        body.put("node_id", keyward.config().nodeId());
        return body;
    }

    /** The node's metrics as a Prometheus scraper asked for them (text format 0.0.4 or OpenMetrics). */
    private void scrape(HttpServletResponse response, ScrapeFormat format) throws IOException {
        response.setStatus(200);
        response.setContentType(keyward.metrics().contentType(format));
        keyward.metrics().write(format, response.getOutputStream());
    }

    private void route(String method, String path, HttpServletRequest request, HttpServletResponse response,
                       String requestId, AdminCaller caller) throws IOException {
        String adminId = caller.name();
        String[] parts = path.substring(1).split("/", -1);
        if (parts[0].equals("tokens")) {
            tokenRoute(method, parts, request, response, requestId, caller);
            return;
        }
        if (parts[0].equals("keys")) {
            if (parts.length == 1 && method.equals("POST")) {
                KeyAdmin.Issued issued = keys.issue(JsonInput.read(request.getInputStream(), KeyAdmin.ISSUE_FIELDS));
                ObjectNode body = Views.key(issued.key());
                body.put("key", issued.text());
                keyward.store().keys().record(new AdminEvent(adminId, "issue", "key", issued.key().id(),
                        issued.key().agentName() + "/" + issued.key().vendor(), 1, requestId));
                LOG.info("Issued vault key {} for agent {} ({})", issued.key().id(), issued.key().agentName(), issued.key().vendor());
                json(response, 201, body);
                return;
            }
            if (parts.length == 1 && method.equals("GET")) {
                page(response, keys.list(QueryParams.of(request, KEY_LIST_PARAMS)), Views::key);
                return;
            }
            if (parts.length == 2 && method.equals("GET")) {
                keyOr404(response, keys.get(parts[1]), requestId);
                return;
            }
            if (parts.length == 3 && parts[2].equals("revoke") && method.equals("POST")) {
                Optional<VaultKey> revoked = keys.revoke(parts[1], JsonInput.read(request.getInputStream(), KeyAdmin.REVOKE_FIELDS));
                revoked.ifPresent(k -> {
                    LOG.info("Revoked vault key {} ({})", k.id(), k.revokedReason());
                    keyward.store().keys().record(new AdminEvent(adminId, "revoke", "key", k.id(), k.revokedReason(), 1, requestId));
                });
                keyOr404(response, revoked, requestId);
                return;
            }
        }
        if (parts[0].equals("revoke") && parts.length == 1 && method.equals("POST")) {
            act(response, killSwitches.revoke(JsonInput.read(request.getInputStream(), KillSwitches.REVOKE_FIELDS), adminId, requestId));
            return;
        }
        if (parts[0].equals("unfreeze") && parts.length == 1 && method.equals("POST")) {
            act(response, killSwitches.unfreeze(JsonInput.read(request.getInputStream(), KillSwitches.UNFREEZE_FIELDS), adminId, requestId));
            return;
        }
        if (parts[0].equals("runs") && parts.length == 3 && parts[2].equals("end") && method.equals("POST") && !parts[1].isEmpty()) {
            act(response, killSwitches.endRun(pathSegment(parts[1], "agent_run_id"),
                    JsonInput.read(request.getInputStream(), KillSwitches.END_RUN_FIELDS), adminId, requestId));
            return;
        }
        if (parts[0].equals("vendors") && parts.length == 3 && parts[2].equals("secret") && method.equals("PUT")) {
            json(response, 200, rotateSecret(parts[1], JsonInput.read(request.getInputStream(), Set.of("secret")), adminId, requestId));
            return;
        }
        if (parts[0].equals("metrics") && parts.length == 1 && method.equals("GET")) {
            // One URL for scripts and scrapers: the answer follows Accept, so caches must too.
            response.setHeader("Vary", "Accept");
            ScrapeFormat format = ScrapeFormat.of(request.getHeader("Accept"));
            if (format == ScrapeFormat.JSON) {
                json(response, 200, metrics());
            } else {
                scrape(response, format);
            }
            return;
        }
        if (parts[0].equals("metrics") && parts.length == 2 && parts[1].equals("reset") && method.equals("POST")) {
            keyward.filterOverhead().reset();
            json(response, 200, metrics());
            return;
        }
        if (parts[0].equals("spend") && parts.length == 1 && method.equals("GET")) {
            json(response, 200, spend(QueryParams.of(request, SPEND_PARAMS)));
            return;
        }
        if (parts[0].equals("calls.ndjson") && parts.length == 1 && method.equals("GET")) {
            exportCalls(QueryParams.of(request, CALL_LIST_PARAMS), response);
            return;
        }
        if (parts[0].equals("approvals")) {
            approvalRoute(method, parts, request, response, requestId, adminId);
            return;
        }
        if (parts[0].equals("calls") && parts.length == 1 && method.equals("GET")) {
            page(response, calls(QueryParams.of(request, CALL_LIST_PARAMS)), Views::call);
            return;
        }
        ErrorReply.write(response, 404, "not_found", "no admin endpoint " + method + " /admin" + sanitize(path), null, requestId);
    }

    /**
     * One budget's day: a key's row, or an agent's or run's own row when it has a cap, else the sum
     * of the key rows of that agent or run.
     */
    private ObjectNode spend(QueryParams params) {
        String keyId = params.text("key_id");
        String agent = params.text("agent_name");
        String run = params.text("agent_run_id");
        if ((keyId == null ? 0 : 1) + (agent == null ? 0 : 1) + (run == null ? 0 : 1) != 1) {
            throw new AdminInputException("key_id", "give exactly one of key_id, agent_name, agent_run_id");
        }
        KeyAdmin.checkedName("agent_name", agent);
        KeyAdmin.checkedName("agent_run_id", run);
        String dayText = params.text("day");
        java.time.LocalDate day;
        try {
            day = dayText == null ? keyward.store().spend().today() : java.time.LocalDate.parse(dayText);
        } catch (java.time.format.DateTimeParseException e) {
            throw new AdminInputException("day", "must be a date such as 2026-11-27 (UTC)");
        }
        if (day.getYear() < 2000 || day.getYear() > 9999) {
            throw new AdminInputException("day", "must be a date between the years 2000 and 9999");
        }
        String scope = keyId != null ? "key" : agent != null ? "agent" : "run";
        String scopeId = keyId != null ? keyId : agent != null ? agent : run;
        java.util.List<LedgerRow> rows = keyward.spend().row(scope, scopeId, day).map(java.util.List::of)
                .orElseGet(() -> scope.equals("key") ? java.util.List.of()
                        : keyward.store().spend().keyRows(agent, run, day));
        java.math.BigDecimal cap = java.math.BigDecimal.ZERO;
        java.math.BigDecimal spent = java.math.BigDecimal.ZERO;
        java.math.BigDecimal reserved = java.math.BigDecimal.ZERO;
        for (LedgerRow r : rows) {
            cap = cap.add(r.capUsd());
            spent = spent.add(r.spentUsd());
            reserved = reserved.add(r.reservedUsd());
        }
        if (rows.isEmpty() && keyId != null) {
            cap = keys.get(keyId).map(VaultKey::dailyUsdCap).orElse(java.math.BigDecimal.ZERO);
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("scope", scope);
        body.put("day", day.toString());
        body.put("cap_usd", Usd.format(cap));
        body.put("spent_usd", Usd.format(spent));
        body.put("reserved_usd", Usd.format(reserved));
        body.put("remaining_usd", Usd.format(cap.subtract(spent).subtract(reserved).max(java.math.BigDecimal.ZERO)));
        body.put("resets_at", scope.equals("run") ? null : day.plusDays(1).atStartOfDay().toInstant(java.time.ZoneOffset.UTC).toString());
        return body;
    }

    private Page<CallRow> calls(QueryParams params) {
        int limit = params.limit();
        String cursor = params.text("cursor");
        List<CallRow> rows = keyward.store().calls().list(callQuery(params, cursor == null ? null : Cursor.decodeCall(cursor), limit + 1));
        return Page.of(rows, limit, last -> Cursor.encodeCall(last.id()));
    }

    private static CallQuery callQuery(QueryParams params, Long beforeId, int limit) {
        String result = params.text("result");
        if (result != null && java.util.Arrays.stream(Code.values()).noneMatch(c -> c.wire().equals(result))) {
            throw new AdminInputException("result", "is not a result code (allowed, denied_..., error_...)");
        }
        String since = params.text("since");
        String until = params.text("until");
        return new CallQuery(params.text("agent_run_id"), params.text("key_id"), params.text("agent_name"), params.text("vendor"),
                result, since == null ? null : KeyAdmin.instant("since", since), until == null ? null : KeyAdmin.instant("until", until),
                beforeId, limit);
    }

    /**
     * Streams every matching audit row, newest first, one JSON object per line, reading the
     * database a page at a time so an export of millions of rows holds one page in memory.
     */
    private void exportCalls(QueryParams params, HttpServletResponse response) throws IOException {
        Long before = params.text("cursor") == null ? null : Cursor.decodeCall(params.text("cursor"));
        long max = params.text("limit") == null ? Long.MAX_VALUE : params.limit();
        callQuery(params, before, 1);
        response.setStatus(200);
        response.setContentType("application/x-ndjson");
        response.setCharacterEncoding("UTF-8");
        var out = response.getOutputStream();
        long sent = 0;
        while (sent < max) {
            List<CallRow> page = keyward.store().calls().list(callQuery(params, before, (int) Math.min(EXPORT_PAGE, max - sent)));
            for (CallRow row : page) {
                out.write(Json.bytes(Views.call(row)));
                out.write('\n');
            }
            sent += page.size();
            if (page.size() < EXPORT_PAGE) {
                break;
            }
            before = page.get(page.size() - 1).id();
            out.flush();
        }
    }

    private static final int EXPORT_PAGE = 500;

    /** Stores a new vendor secret, encrypted; every node uses it from its next call. The answer never holds it. */
    private ObjectNode rotateSecret(String vendor, JsonInput in, String adminId, String requestId) {
        if (!keyward.vendors().containsKey(vendor)) {
            throw new AdminInputException("vendor", "unknown vendor");
        }
        if (!keyward.config().secrets().enabled()) {
            throw new AdminInputException("secret", "this gateway has no master key (secrets.master_key_id), so it cannot store secrets");
        }
        String secret = in.text("secret");
        if (secret == null || secret.length() < 8 || secret.length() > 1000 || !secret.matches("[\\x21-\\x7e]+")) {
            throw new AdminInputException("secret", "must be 8-1000 printable characters without spaces");
        }
        long version = keyward.vendorSecrets().rotate(vendor, io.keyward.config.Secret.of(secret));
        keyward.store().keys().record(new AdminEvent(adminId, "rotate_secret", "vendor", vendor, "version " + version, 1, requestId));
        LOG.warn("Secret of {} rotated to version {}", vendor, version);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("vendor", vendor);
        body.put("version", version);
        return body;
    }

    private void act(HttpServletResponse response, KillSwitches.Outcome outcome) throws IOException {
        keyward.store().keys().record(outcome.event());
        LOG.warn("Kill switch: {} {} {} ({} affected): {}", outcome.event().action(), outcome.event().scope(),
                outcome.event().target(), outcome.event().affected(), outcome.event().reason());
        json(response, 200, outcome.body());
    }

    private void health(HttpServletResponse response) throws IOException {
        boolean up = keyward.store().healthy();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", up ? "ok" : "unavailable");
        body.put("database", up ? "ok" : "unreachable");
        json(response, up ? 200 : 503, body);
    }

    /** Whether the client address (an IP literal: no name is ever looked up) is this machine's loopback. */
    private static boolean loopback(String address) {
        if (address == null || !(address.matches("[0-9.]+") || address.indexOf(':') >= 0)) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(address.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** A percent-encoded path segment, decoded; malformed escapes are the caller's error, not the store's. */
    private static String pathSegment(String raw, String param) {
        try {
            return java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AdminInputException(param, "is not validly percent-encoded");
        }
    }

    /** The bearer token of exactly one {@code Authorization: Bearer <token>}, or null. */
    private static String bearer(HttpServletRequest request) {
        List<String> headers = java.util.Collections.list(request.getHeaders("Authorization"));
        if (headers.size() != 1 || !headers.get(0).regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return headers.get(0).substring(7).strip();
    }

    /** {@code POST /tokens}, {@code GET /tokens}, {@code POST /tokens/{name}/revoke}. */
    private void tokenRoute(String method, String[] parts, HttpServletRequest request, HttpServletResponse response,
                            String requestId, AdminCaller caller) throws IOException {
        if (parts.length == 1 && method.equals("POST")) {
            ObjectNode made = tokens.create(JsonInput.read(request.getInputStream(), AdminTokens.CREATE_FIELDS), caller);
            keyward.store().keys().record(new AdminEvent(caller.name(), "issue_token", "token", made.get("name").asText(),
                    made.get("scopes").toString(), 1, requestId));
            LOG.info("Admin token {} made by {}", made.get("name").asText(), caller.name());
            json(response, 201, made);
        } else if (parts.length == 1 && method.equals("GET")) {
            json(response, 200, tokens.list());
        } else if (parts.length == 3 && parts[2].equals("revoke") && method.equals("POST")) {
            if (!tokens.revoke(parts[1], caller)) {
                ErrorReply.write(response, 404, "not_found", "no live admin token of that name", "name", requestId);
                return;
            }
            keyward.store().keys().record(new AdminEvent(caller.name(), "revoke_token", "token", parts[1], null, 1, requestId));
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("name", parts[1]);
            body.put("revoked", true);
            json(response, 200, body);
        } else {
            ErrorReply.write(response, 404, "not_found", "no such admin route", null, requestId);
        }
    }

    /**
     * {@code GET /admin/approvals?state=&limit=&cursor=}, {@code GET /admin/approvals/{id}},
     * {@code POST /admin/approvals/{id}/approve|deny {"reason"?}}: only a pending approval can be
     * decided (409 otherwise), and each decision is an admin event naming the token.
     */
    private void approvalRoute(String method, String[] parts, HttpServletRequest request, HttpServletResponse response,
                               String requestId, String adminId) throws IOException {
        ApprovalRepository approvals = keyward.store().approvals();
        if (parts.length == 1 && method.equals("GET")) {
            QueryParams params = QueryParams.of(request, APPROVAL_LIST_PARAMS);
            String state = params.text("state");
            if (state != null && !APPROVAL_STATES.contains(state)) {
                throw new AdminInputException("state", "must be one of pending, approved, denied, used");
            }
            int limit = params.limit();
            Cursor.KeyPosition after = params.text("cursor") == null ? null : Cursor.decodeKey(params.text("cursor"));
            List<ApprovalRow> rows = approvals.list(state, after == null ? null : after.createdAt(), after == null ? null : after.id(), limit + 1);
            page(response, Page.of(rows, limit, last -> Cursor.encodeKey(last.createdAt(), last.id())), ApprovalJson::of);
            return;
        }
        String id = parts.length >= 2 ? parts[1] : "";
        if (!id.matches("apr_[0-9A-Za-z]{22}")) {
            ErrorReply.write(response, 404, "not_found", "no such approval", "id", requestId);
            return;
        }
        if (parts.length == 2 && method.equals("GET")) {
            Optional<ApprovalRow> row = approvals.byId(id);
            if (row.isEmpty()) {
                ErrorReply.write(response, 404, "not_found", "no such approval", "id", requestId);
                return;
            }
            json(response, 200, ApprovalJson.of(row.get()));
            return;
        }
        if (parts.length == 3 && method.equals("POST") && (parts[2].equals("approve") || parts[2].equals("deny"))) {
            String reason = JsonInput.read(request.getInputStream(), KeyAdmin.REVOKE_FIELDS).text("reason");
            if (reason != null && reason.length() > 500) {
                throw new AdminInputException("reason", "must be at most 500 characters");
            }
            boolean approve = parts[2].equals("approve");
            if (approvals.byId(id).isEmpty()) {
                ErrorReply.write(response, 404, "not_found", "no such approval", "id", requestId);
                return;
            }
            if (!keyward.approvals().decide(id, approve, adminId, reason)) {
                throw new AdminConflictException("approval " + id + " is no longer pending: it was decided or used before");
            }
            keyward.store().keys().record(new AdminEvent(adminId, approve ? "approve" : "deny", "approval", id, reason, 1, requestId));
            LOG.info("Approval {} {} by {}", id, approve ? "approved" : "denied", adminId);
            json(response, 200, ApprovalJson.of(approvals.byId(id).orElseThrow()));
            return;
        }
        ErrorReply.write(response, 404, "not_found", "no admin endpoint " + method + " /admin/approvals/...", null, requestId);
    }

    private static void keyOr404(HttpServletResponse response, Optional<VaultKey> key, String requestId) throws IOException {
        if (key.isEmpty()) {
            ErrorReply.write(response, 404, "not_found", "no such vault key", "id", requestId);
            return;
        }
        json(response, 200, Views.key(key.get()));
    }

    private static <T> void page(HttpServletResponse response, Page<T> page, Function<T, ObjectNode> view) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("items");
        page.items().forEach(item -> items.add(view.apply(item)));
        body.put("next_cursor", page.nextCursor());
        json(response, 200, body);
    }

    private static void json(HttpServletResponse response, int status, ObjectNode body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(Json.bytes(body));
    }


    private static String sanitize(String path) {
        return path.length() > 100 || !path.matches("[A-Za-z0-9/._-]*") ? "/..." : path;
    }
}
