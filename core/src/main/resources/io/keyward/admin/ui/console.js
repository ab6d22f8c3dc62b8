// The Keyward operator console: polls the admin API and renders what it answers.
// Agent names, runs, metadata, paths and reasons are chosen by agents, so every value reaches the
// page as a text node (el() below); nothing here parses data as HTML. The admin token lives in this
// tab's sessionStorage and travels only in the Authorization header.
(() => {
  'use strict';

  const TOKEN_KEY = 'keyward.admin_token';
  const POLL_MS = 2000;
  const VENDORS = ['stripe', 'twilio', 'resend'];
  const RESULTS = ['allowed', 'denied_unknown_key', 'denied_revoked', 'denied_expired', 'denied_vendor',
    'denied_operation', 'denied_parameter', 'denied_spend_cap', 'denied_rate_limit', 'denied_loop',
    'denied_malformed', 'denied_too_large', 'error_upstream', 'error_unavailable'];

  const $ = (id) => document.getElementById(id);

  /** An element from fixed tag and attribute names; children that are not nodes become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'onclick') {
        node.addEventListener('click', value);
      } else {
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  /** One admin API call; the page is /admin/ui/, so the API is one level up, under any context path. */
  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + token(), Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(new URL('../' + path, location.href), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    if (!response.ok) {
      const error = (json && json.error) || {};
      throw new ApiError(response.status, error.code || String(response.status), error.message || response.statusText);
    }
    return json;
  }

  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined && v !== '') {
        q.set(k, v);
      }
    }
    const text = q.toString();
    return text ? '?' + text : '';
  };

  const time = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
  const usd = (text) => (text === null || text === undefined ? '' : '$' + text);

  function setStatus(text, error) {
    $('status').textContent = text;
    $('status').className = error ? 'error' : '';
  }

  /** What a panel shows when its call fails: a refused token stops everything, anything else stays local. */
  function explain(error, note) {
    if (error instanceof ApiError && error.status === 401) {
      signOut('The gateway refused this token.');
      throw error;
    }
    note.textContent = error instanceof ApiError
      ? error.status + ' ' + error.code + ': ' + error.message
      : 'The gateway did not answer: ' + error.message;
  }

  // --- keys, with today's spend against the daily cap and the run's spend against the run cap ---

  async function spendOf(params) {
    return api('GET', 'spend' + query(params));
  }

  function spendCell(spend, cap) {
    if (!spend) {
      return el('td');
    }
    const used = Number(spend.spent_usd) + Number(spend.reserved_usd);
    const text = usd(spend.spent_usd) + ' spent, ' + usd(spend.reserved_usd) + ' reserved of ' + (cap ? usd(cap) : 'no cap');
    return el('td', {}, cap ? el('meter', { min: 0, max: Number(cap), value: used, high: Number(cap) * 0.8 }) : null, text);
  }

  async function loadKeys() {
    const note = $('keys-note');
    let page;
    try {
      page = await api('GET', 'keys' + query({ limit: 50 }));
    } catch (e) {
      explain(e, note);
      return [];
    }
    note.textContent = '';
    const keys = page.items;
    const runSpend = new Map();
    const rows = await Promise.all(keys.map(async (key) => {
      let daily = null;
      let run = null;
      try {
        daily = await spendOf({ key_id: key.id });
        if (key.run_usd_cap && key.agent_run_id) {
          if (!runSpend.has(key.agent_run_id)) {
            runSpend.set(key.agent_run_id, spendOf({ agent_run_id: key.agent_run_id }));
          }
          run = await runSpend.get(key.agent_run_id);
        }
      } catch (e) {
        explain(e, note);
      }
      return el('tr', { 'data-key-id': key.id },
        el('td', { class: 'mono nowrap' }, key.id),
        el('td', {}, key.agent_name),
        el('td', {}, key.agent_run_id),
        el('td', {}, key.vendor),
        el('td', { class: 'state-' + key.state }, key.state,
          key.revoked_reason ? el('div', { class: 'note' }, key.revoked_reason) : null),
        el('td', { class: 'nowrap' }, time(key.expires_at)),
        spendCell(daily, key.daily_usd_cap),
        key.run_usd_cap ? spendCell(run, key.run_usd_cap) : el('td', {}, 'no run cap'),
        el('td', { class: 'mono wrap' }, ...metadataLines(key.metadata)),
        el('td', {}, key.state === 'active' ? revokeButtons(key) : null));
    }));
    $('keys-body').replaceChildren(...rows);
    return keys;
  }

  /** One line per metadata field, as written: JSON.stringify would escape the quotes an operator needs to read. */
  function metadataLines(metadata) {
    if (metadata === null || typeof metadata !== 'object') {
      return metadata === null ? [] : [JSON.stringify(metadata)];
    }
    return Object.entries(metadata).map(([name, value]) =>
      el('div', {}, name + ': ' + (typeof value === 'string' ? value : JSON.stringify(value))));
  }

  function revokeButtons(key) {
    const buttons = [
      el('button', { type: 'button', class: 'danger small', 'data-revoke': 'key',
        onclick: () => askRevoke('key_id', key.id) }, 'key'),
      ' ',
      el('button', { type: 'button', class: 'danger small', 'data-revoke': 'agent',
        onclick: () => askRevoke('agent_name', key.agent_name) }, 'agent'),
    ];
    if (key.agent_run_id) {
      buttons.push(' ', el('button', { type: 'button', class: 'danger small', 'data-revoke': 'run',
        onclick: () => askRevoke('agent_run_id', key.agent_run_id) }, 'run'));
    }
    return el('span', {}, ...buttons);
  }

  // --- spend per agent per day ---

  async function loadAgentSpend(keys) {
    const note = $('spend-note');
    const agents = [...new Set(keys.map((k) => k.agent_name))].sort();
    const day = $('spend-day').value;
    try {
      const rows = await Promise.all(agents.map(async (agent) => {
        const s = await spendOf({ agent_name: agent, day });
        // An agent without a cap of its own and no spend that day has no ledger rows: nothing to compare.
        const none = Number(s.cap_usd) === 0 && Number(s.spent_usd) === 0 && Number(s.reserved_usd) === 0;
        return el('tr', {},
          el('td', {}, agent), el('td', { class: 'nowrap' }, s.day), el('td', {}, usd(s.spent_usd)), el('td', {}, usd(s.reserved_usd)),
          el('td', {}, none ? 'no spend yet' : usd(s.cap_usd)), el('td', {}, none ? '' : usd(s.remaining_usd)),
          el('td', {}, el('button', { type: 'button', class: 'danger small',
            onclick: () => askRevoke('agent_name', agent) }, 'revoke agent')));
      }));
      note.textContent = agents.length ? '' : 'No keys listed, so no agents yet.';
      $('spend-body').replaceChildren(...rows);
    } catch (e) {
      explain(e, note);
    }
    $('kill-targets').replaceChildren(...agents.map((a) => el('option', { value: a })));
  }

  // --- the calls feed ---

  async function loadCalls() {
    const note = $('calls-note');
    try {
      const page = await api('GET', 'calls' + query({
        limit: 100,
        agent_name: $('filter-agent').value.trim(),
        agent_run_id: $('filter-run').value.trim(),
        result: $('filter-result').value.trim(),
      }));
      note.textContent = page.items.length ? '' : 'No calls match.';
      $('calls-body').replaceChildren(...page.items.map((c) => {
        const refused = c.policy_check_result !== 'allowed';
        return el('tr', { class: refused ? 'refused' : 'allowed', 'data-call-id': c.id },
          el('td', { class: 'nowrap' }, time(c.ts)),
          el('td', {}, c.agent_name),
          el('td', {}, c.agent_run_id),
          el('td', {}, c.vendor),
          el('td', {}, c.operation),
          el('td', { class: 'mono wrap' }, (c.method || '') + ' ' + (c.path || '')),
          el('td', { class: refused ? 'result-refused nowrap' : 'nowrap' }, c.policy_check_result,
            c.shadow_result ? el('div', { class: 'note' }, 'shadow: ' + c.shadow_result) : null),
          el('td', { class: 'wrap' }, [c.rule, c.reason].filter(Boolean).join(': ')),
          el('td', {}, usd(c.amount_usd !== null ? c.amount_usd : c.estimated_usd)),
          el('td', {}, c.upstream_status === null ? '' : c.upstream_status));
      }));
    } catch (e) {
      explain(e, note);
    }
  }

  // --- pending approvals (a gateway without them answers 404) ---

  async function loadApprovals() {
    const note = $('approvals-note');
    try {
      const page = await api('GET', 'approvals' + query({ state: 'pending' }));
      $('approvals-table').hidden = page.items.length === 0;
      note.textContent = page.items.length ? '' : 'None pending.';
      $('approvals-body').replaceChildren(...page.items.map((a) => el('tr', {},
        el('td', { class: 'mono' }, a.id), el('td', {}, a.agent_name), el('td', {}, a.agent_run_id),
        el('td', {}, a.vendor), el('td', {}, a.operation),
        el('td', { class: 'mono wrap' }, el('div', {}, a.method + ' ' + a.path), ...metadataLines(a.params)),
        el('td', {}, usd(a.estimated_usd)),
        el('td', {}, time(a.created_at)), el('td', {}, time(a.expires_at)),
        el('td', {},
          el('button', { type: 'button', onclick: () => askApproval(a, 'approve') }, 'approve'), ' ',
          el('button', { type: 'button', class: 'danger', onclick: () => askApproval(a, 'deny') }, 'deny')))));
    } catch (e) {
      $('approvals-body').replaceChildren();
      $('approvals-table').hidden = true;
      if (e instanceof ApiError && e.status === 404) {
        note.textContent = 'approvals: not available on this gateway';
      } else {
        explain(e, note);
      }
    }
  }

  // --- confirmations: every state change is one click, then Confirm ---

  let confirmed = null;

  function ask(text, action) {
    confirmed = action;
    $('confirm-text').textContent = text;
    $('confirm-reason').value = '';
    $('confirm').hidden = false;
    $('confirm-yes').focus();
  }

  const SCOPE_WORDS = { key_id: 'key', agent_name: 'agent', agent_run_id: 'run' };

  function askRevoke(scope, target) {
    ask('Revoke every live key of ' + SCOPE_WORDS[scope] + ' "' + target + '"? Revoked keys stay revoked.',
      (reason) => api('POST', 'revoke', { [scope]: target, reason })
        .then((r) => 'Revoked ' + r.revoked + ' key(s) of ' + SCOPE_WORDS[scope] + ' "' + target + '".'));
  }

  function askApproval(approval, verdict) {
    ask((verdict === 'approve' ? 'Approve' : 'Deny') + ' approval ' + approval.id + ' (' + approval.agent_name + ', '
        + approval.operation + ', ' + usd(approval.estimated_usd) + ')?',
      (reason) => api('POST', 'approvals/' + encodeURIComponent(approval.id) + '/' + verdict, { reason })
        .then(() => (verdict === 'approve' ? 'Approved ' : 'Denied ') + approval.id + '.'));
  }

  function vendorSwitches() {
    const switches = [];
    for (const vendor of VENDORS) {
      switches.push(el('button', { type: 'button', class: 'danger', 'data-switch': 'stop-' + vendor, onclick: () => ask(
        'Stop ' + vendor + ': revoke all its keys and refuse every ' + vendor + ' call, even of keys issued later, until unfrozen?',
        (reason) => api('POST', 'revoke', { vendor, reason }).then((r) => 'Stopped ' + vendor + ' (' + r.revoked + ' key(s) revoked).')) },
      'stop ' + vendor));
    }
    switches.push(el('button', { type: 'button', class: 'danger', 'data-switch': 'stop-all', onclick: () => ask(
      'Stop EVERYTHING: revoke every key and refuse every call, until unfrozen?',
      (reason) => api('POST', 'revoke', { all: true, reason }).then((r) => 'Stopped everything (' + r.revoked + ' key(s) revoked).')) },
    'stop all'));
    for (const vendor of VENDORS) {
      switches.push(el('button', { type: 'button', 'data-switch': 'unfreeze-' + vendor, onclick: () => ask(
        'Unfreeze ' + vendor + '? Keys revoked stay revoked.',
        (reason) => api('POST', 'unfreeze', { vendor, reason }).then((r) => 'Unfroze ' + vendor + ' (' + r.unfrozen + ').')) },
      'unfreeze ' + vendor));
    }
    switches.push(el('button', { type: 'button', 'data-switch': 'unfreeze-all', onclick: () => ask(
      'Unfreeze everything? Keys revoked stay revoked.',
      (reason) => api('POST', 'unfreeze', { all: true, reason }).then((r) => 'Unfroze everything (' + r.unfrozen + ').')) },
    'unfreeze all'));
    $('vendor-switches').replaceChildren(...switches);
  }

  async function confirm() {
    const action = confirmed;
    confirmed = null;
    $('confirm').hidden = true;
    if (!action) {
      return;
    }
    try {
      $('kill-note').textContent = await action($('confirm-reason').value.trim() || 'from the console');
    } catch (e) {
      try {
        explain(e, $('kill-note'));
      } catch (signedOut) {
        return;
      }
    }
    refreshNow();
  }

  // --- polling ---

  let timer = null;
  let generation = 0;

  async function refresh() {
    const mine = generation;
    try {
      const keys = await loadKeys();
      await Promise.all([loadAgentSpend(keys), loadCalls(), loadApprovals()]);
      setStatus('live, updated ' + new Date().toISOString().slice(11, 19) + ' UTC', false);
    } catch (e) {
      if (!token()) {
        return;
      }
      setStatus('update failed: ' + e.message, true);
    }
    if (mine === generation && token()) {
      timer = setTimeout(refresh, POLL_MS);
    }
  }

  /** Polls at once (after a change or a new filter), dropping the poll that was waiting. */
  function refreshNow() {
    clearTimeout(timer);
    generation += 1;
    refresh();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearTimeout(timer);
    generation += 1;
    $('console').hidden = true;
    $('forget').hidden = true;
    $('confirm').hidden = true;
    $('login').hidden = false;
    $('login-note').textContent = message || '';
    setStatus('', false);
    $('token-input').focus();
  }

  function open() {
    $('login').hidden = true;
    $('console').hidden = false;
    $('forget').hidden = false;
    setStatus('loading…', false);
    refreshNow();
  }

  function start() {
    // A token given as #token=... is taken into this tab's storage and the fragment is removed at
    // once, so it stays out of the address bar, the history and any screenshot.
    const match = /^#token=(.+)$/.exec(location.hash);
    if (match) {
      let given = match[1];
      try {
        given = decodeURIComponent(given);
      } catch (e) {
        // not percent-encoded after all: taken as written
      }
      sessionStorage.setItem(TOKEN_KEY, given);
    }
    if (location.hash) {
      history.replaceState(null, '', location.pathname + location.search);
    }
    $('result-codes').replaceChildren(...RESULTS.map((r) => el('option', { value: r })));
    vendorSwitches();
    $('confirm-yes').addEventListener('click', confirm);
    $('confirm-no').addEventListener('click', () => {
      confirmed = null;
      $('confirm').hidden = true;
    });
    $('token-use').addEventListener('click', () => {
      const typed = $('token-input').value.trim();
      $('token-input').value = '';
      if (typed) {
        sessionStorage.setItem(TOKEN_KEY, typed);
        open();
      }
    });
    $('token-input').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        $('token-use').click();
      }
    });
    $('forget').addEventListener('click', () => signOut('Token forgotten.'));
    $('kill-one').addEventListener('click', () => {
      const target = $('kill-target').value.trim();
      if (target) {
        askRevoke($('kill-scope').value, target);
      }
    });
    for (const id of ['filter-agent', 'filter-run', 'filter-result', 'spend-day']) {
      $(id).addEventListener('change', refreshNow);
    }
    if (token()) {
      open();
    } else {
      signOut();
    }
  }

  start();
})();
