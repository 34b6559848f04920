// The operator console's page logic. Everything it shows is set as text (textContent), never as markup, so a topic or
// service ID holding markup shows as text. The session lives in an HttpOnly cookie the script cannot read; the token
// against cross-site request forgery is kept in this module's memory only, never in storage or a URL.

const state = { session: null, connect: null, deadLettersAfter: null, overviewTimer: null };

// --- small helpers -------------------------------------------------------------------------------------------------

function $(id) { return document.getElementById(id); }

/** An element with text content and attributes; children are elements or strings (set as text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}

function show(id, text, bad = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle('bad', bad);
  node.hidden = false;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** A console API call: JSON in and out; a change carries the session's CSRF token. */
async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') {
    if (state.session) init.headers['X-CSRF-Token'] = state.session.csrfToken;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) {
    const message = json && (json.message || (json.error && json.error.message)) || `HTTP ${response.status}`;
    if (response.status === 401 && state.session && !path.endsWith('/sign-in')) {
      signedOut('Your session ended: sign in again.');
    }
    throw new ApiError(response.status, message);
  }
  return json;
}

function decodeBase64(text) {
  if (text === undefined || text === null) return '';
  const bytes = Uint8Array.from(atob(text), c => c.charCodeAt(0));
  return new TextDecoder('utf-8').decode(bytes);
}

function download(name, bytes, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function shellQuote(text) { return "'" + String(text).replace(/'/g, "'\\''") + "'"; }

// --- session --------------------------------------------------------------------------------------------------------

function signedIn(session) {
  state.session = session;
  $('who').textContent = `${session.operator} · ${session.instance}`;
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('sign-in-page').hidden = true;
  $('app').hidden = false;
  $('operator-key').value = '';
  route();
}

function signedOut(message) {
  state.session = null;
  clearInterval(state.overviewTimer);
  $('app').hidden = true;
  $('who').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in-page').hidden = false;
  if (message) show('sign-in-error', message, true); else $('sign-in-error').hidden = true;
}

async function signIn(authorization) {
  try {
    const headers = authorization ? { Authorization: authorization } : {};
    signedIn(await api('/console/api/sign-in', { method: 'POST', headers }));
  } catch (e) {
    show('sign-in-error', e.message, true);
  }
}

// --- pages ----------------------------------------------------------------------------------------------------------

const pages = {
  overview: showOverview,
  topics: showTopics,
  connect: showConnect,
  'service-ids': showServiceIds,
  'dead-letters': showDeadLetters,
};

function route() {
  if (!state.session) return;
  const [name, argument] = decodeURIComponent(location.hash.slice(1)).split('/', 2);
  const page = pages[name] ? name : 'overview';
  clearInterval(state.overviewTimer);
  for (const section of document.querySelectorAll('#app > section')) section.hidden = section.id !== `${page}-page`;
  for (const tab of document.querySelectorAll('.tabs a')) {
    tab.classList.toggle('active', tab.dataset.page === page || (page === 'connect' && tab.dataset.page === 'topics'));
  }
  $('notice').hidden = true;
  pages[page](argument).catch(e => show('notice', e.message, true));
}

// Overview: the gateway's own meters, sampled by the gateway, as live numbers and small charts
const CHARTS = [
  ['requestsPerSecond', 'Requests per second', v => v.toFixed(1)],
  ['errors4xxPerSecond', 'Client errors (4xx) per second', v => v.toFixed(2)],
  ['errors5xxPerSecond', 'Server errors (5xx) per second', v => v.toFixed(2)],
  ['p99Ms', 'p99 latency (ms)', v => v.toFixed(1)],
  ['inFlight', 'Requests in flight', v => String(Math.round(v))],
  ['deadLettersPending', 'Dead letters pending', v => String(Math.round(v))],
];

function sparkline(values) {
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 240 48');
  svg.setAttribute('preserveAspectRatio', 'none');
  const base = document.createElementNS(svgNs, 'line');
  for (const [name, value] of [['x1', 0], ['y1', 47], ['x2', 240], ['y2', 47]]) base.setAttribute(name, value);
  svg.append(base);
  const known = values.filter(v => v !== null && v !== undefined);
  if (known.length > 1) {
    const max = Math.max(...known, 1e-9);
    const step = 240 / Math.max(values.length - 1, 1);
    const points = values.map((v, i) => v === null || v === undefined ? null : `${(i * step).toFixed(1)},${(46 - (v / max) * 44).toFixed(1)}`)
      .filter(Boolean).join(' ');
    const line = document.createElementNS(svgNs, 'polyline');
    line.setAttribute('points', points);
    svg.append(line);
  }
  return svg;
}

function readiness(label, ready, id) {
  const text = ready === null || ready === undefined ? 'not configured' : ready ? 'ready' : 'not ready';
  return el('div', { class: 'card', id },
    el('div', { class: 'label' }, label),
    el('div', { class: `value ${ready ? 'up' : ready === false ? 'down' : ''}`, 'data-value': text }, text));
}

async function showOverview() {
  const draw = async () => {
    const overview = await api('/console/api/overview');
    overview.now = overview.now || {};
    $('overview-instance').textContent = overview.instance;
    $('overview-sample').textContent = String(overview.sampleMs / 1000);
    const cards = [readiness('Kafka', overview.now.kafkaReady, 'card-kafkaReady'),
      readiness('Schema registry', overview.now.registryReady, 'card-registryReady')];
    for (const [field, label, format] of CHARTS) {
      const value = overview.now[field];
      const text = value === null || value === undefined ? '–' : format(value);
      cards.push(el('div', { class: 'card', id: `card-${field}` },
        el('div', { class: 'label' }, label),
        el('div', { class: 'value', 'data-value': text }, text),
        sparkline(overview.samples.map(s => s[field]))));
    }
    $('overview-cards').replaceChildren(...cards);
    return Math.max(1000, overview.sampleMs);
  };
  const every = await draw();
  state.overviewTimer = setInterval(() => draw().catch(e => show('notice', e.message, true)), every);
}

async function showTopics() {
  const { topics } = await api('/console/api/topics');
  $('topics-table').tBodies[0].replaceChildren(...topics.map(topic => el('tr', { 'data-topic': topic.name },
    el('td', { class: 'mono' }, topic.name),
    el('td', { class: 'num' }, topic.partitions),
    el('td', { class: 'num' }, topic.replicationFactor),
    el('td', { class: 'num' }, topic.records),
    el('td', { class: 'buttons' }, el('button', { type: 'button', class: 'small connect',
      onclick: () => { location.hash = `#connect/${encodeURIComponent(topic.name)}`; } }, 'Connect to this topic')))));
}

async function createTopic(event) {
  event.preventDefault();
  const name = $('new-topic-name').value.trim();
  try {
    await api('/console/api/topics/create', { method: 'POST', body: { name,
      partitions: Number($('new-topic-partitions').value), replicationFactor: Number($('new-topic-replicas').value) } });
    show('create-topic-result', `Created topic ${name}.`);
    $('new-topic-name').value = '';
    await showTopics();
  } catch (e) {
    show('create-topic-result', e.message, true);
  }
}

async function showConnect(topic) {
  state.connect = { topic, key: null };
  $('connect-topic').textContent = topic;
  $('connect-name').value = `${topic}-producer`.slice(0, 128);
  $('connect-key-box').hidden = true;
  $('p12-password-box').hidden = true;
  $('test-message-result').hidden = true;
  renderCurls();
}

function renderCurls() {
  const { topic, key } = state.connect;
  const endpoint = state.session.endpoint;
  const shownKey = key || '<api key>';
  const path = `/topics/${encodeURIComponent(topic)}/records`;
  $('curl-bearer').textContent = `curl -X POST -H ${shellQuote(`Authorization: Bearer ${shownKey}`)} -H 'Content-Type: text/plain' `
    + `-H 'Accept: application/json' --cacert ca.pem -d 'hello' ${shellQuote(endpoint + path)}`;
  $('curl-basic').textContent = `curl -X POST -u ${shellQuote(`token:${shownKey}`)} -H 'Content-Type: text/plain' `
    + `-H 'Accept: application/json' --cacert ca.pem -d 'hello' ${shellQuote(endpoint + path)}`;
  $('curl-v2').textContent = `curl -X POST -H ${shellQuote(`Authorization: Bearer ${shownKey}`)} -H 'Content-Type: application/json' `
    + `--cacert ca.pem -d '{"key":{"type":"text","data":"k1"},"value":{"type":"text","data":"hello"}}' `
    + shellQuote(`${endpoint}/v2${path}`);
}

async function generateKey(event) {
  event.preventDefault();
  const { topic } = state.connect;
  const date = $('connect-expires').value;
  try {
    const created = await api('/console/api/service-ids/create', { method: 'POST', body: {
      name: $('connect-name').value.trim(), role: 'writer', topics: [topic],
      expires: date ? new Date(`${date}T00:00:00Z`).toISOString() : null } });
    state.connect.key = created.key;
    $('connect-key').textContent = created.key;
    $('connect-key-box').hidden = false;
    renderCurls();
  } catch (e) {
    show('notice', e.message, true);
  }
}

async function downloadTrustStore() {
  try {
    const store = await api('/console/api/certificates/ca.p12');
    $('p12-password').textContent = store.password;
    $('p12-password-box').hidden = false;
    download(store.file, Uint8Array.from(atob(store.trustStore), c => c.charCodeAt(0)), 'application/x-pkcs12');
  } catch (e) {
    show('notice', e.message, true);
  }
}

// the test message goes through the real produce API, with the key just generated
async function sendTestMessage(event) {
  event.preventDefault();
  const { topic, key } = state.connect;
  if (!key) {
    show('test-message-result', 'Generate an API key first: the message is sent with it.', true);
    return;
  }
  const recordKey = $('test-key').value;
  const query = recordKey ? `?key=${encodeURIComponent(recordKey)}` : '';
  try {
    const response = await fetch(`/topics/${encodeURIComponent(topic)}/records${query}`, { method: 'POST',
      credentials: 'omit', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/plain', Accept: 'application/json' },
      body: $('test-value').value });
    const answer = await response.json();
    if (!response.ok) throw new ApiError(response.status, `${response.status}: ${answer.message}`);
    const { partition, offset } = answer.metadata;
    show('test-message-result', `Sent: partition ${partition}, offset ${offset}.`);
    $('test-message-result').dataset.partition = partition;
    $('test-message-result').dataset.offset = offset;
  } catch (e) {
    show('test-message-result', e.message, true);
  }
}

function status(entry) {
  if (entry.revoked) return 'revoked';
  if (entry.expires && new Date(entry.expires) <= new Date()) return 'expired';
  return 'active';
}

async function showServiceIds() {
  const list = await api('/console/api/service-ids');
  $('service-ids-location').textContent = list.location;
  const readOnly = $('service-ids-read-only');
  readOnly.hidden = list.writable;
  readOnly.textContent = list.writable ? '' : 'This store is read-only here: change service IDs where it comes from '
    + '(such as a Kubernetes Secret). The console offers no changes.';
  $('service-id-key-box').hidden = true;
  $('certificate-box').hidden = true;
  $('service-ids-table').tBodies[0].replaceChildren(...list.serviceIds.map(entry => {
    const current = status(entry);
    const buttons = !list.writable ? [] : [
      el('button', { type: 'button', class: 'small secondary rotate', onclick: () => rotate(entry.name) }, 'Rotate key'),
      el('button', { type: 'button', class: 'small secondary expire', onclick: () => expire(entry.name) }, 'Set expiry'),
      el('button', { type: 'button', class: 'small secondary certificate', onclick: () => certificate(entry.name) }, 'Certificate'),
      current === 'revoked' ? '' : el('button', { type: 'button', class: 'small danger revoke', onclick: () => revoke(entry.name) }, 'Revoke'),
    ];
    return el('tr', { 'data-name': entry.name },
      el('td', { class: 'mono name' }, entry.name),
      el('td', { class: 'role' }, entry.role),
      el('td', { class: 'mono' }, (entry.topics || []).join(', ')),
      el('td', {}, entry.created ? entry.created.slice(0, 19).replace('T', ' ') : ''),
      el('td', {}, entry.expires ? entry.expires.slice(0, 19).replace('T', ' ') : 'never'),
      el('td', { class: `status status-${current}` }, current),
      el('td', { class: 'buttons' }, ...buttons));
  }));
}

async function change(action, body) {
  const answer = await api(`/console/api/service-ids/${action}`, { method: 'POST', body });
  await showServiceIds();
  return answer;
}

async function rotate(name) {
  if (!confirm(`Give ${name} a new key? Its current key stops working.`)) return;
  try {
    const { key } = await change('rotate', { name });
    $('service-id-key-name').textContent = name;
    $('service-id-key').textContent = key;
    $('service-id-key-box').hidden = false;
  } catch (e) { show('notice', e.message, true); }
}

async function revoke(name) {
  if (!confirm(`Revoke ${name}? Its key and certificate stop working.`)) return;
  try { await change('revoke', { name }); show('notice', `Revoked ${name}.`); } catch (e) { show('notice', e.message, true); }
}

async function expire(name) {
  const answer = prompt(`When should ${name} stop working? A date (2027-01-31), or empty for never.`, '');
  if (answer === null) return;
  const expires = answer.trim() ? new Date(`${answer.trim()}T00:00:00Z`) : null;
  if (expires && isNaN(expires)) { show('notice', 'Not a date: use the form 2027-01-31.', true); return; }
  try { await change('expire', { name, expires: expires && expires.toISOString() }); } catch (e) { show('notice', e.message, true); }
}

function certificate(name) {
  $('certificate-name').textContent = name;
  $('certificate-box').hidden = false;
  $('certificate-result').hidden = true;
  $('certificate-form').dataset.name = name;
}

async function signCertificate(event) {
  event.preventDefault();
  const name = $('certificate-form').dataset.name;
  const file = $('certificate-csr').files[0];
  if (!file) return;
  try {
    const { certificate: pem } = await api('/console/api/service-ids/certificate', { method: 'POST',
      body: { name, csr: await file.text(), days: Number($('certificate-days').value) } });
    show('certificate-result', `Signed a client certificate for ${name}: downloaded as ${name}.pem.`);
    download(`${name}.pem`, pem, 'application/x-pem-file');
  } catch (e) { show('certificate-result', e.message, true); }
}

async function showDeadLetters(after) {
  const query = new URLSearchParams({ limit: '50' });
  if (state.deadLettersAfter && after === 'more') query.set('after', state.deadLettersAfter);
  const page = await api(`/console/api/dead-letters?${query}`);
  $('dead-letters-instance').textContent = state.session.instance;
  $('dead-letters-store').textContent = page.store;
  $('dead-letters-pending').textContent = `${page.pending}`;
  $('dead-letters-total').textContent = `${page.total}`;
  state.deadLettersAfter = page.next || null;
  $('dead-letters-more').hidden = !page.next;
  const rows = page.entries.map(entry => {
    const value = el('td', { class: 'buttons' }, entry.value === undefined ? '' : el('button', { type: 'button', class: 'small secondary show-value',
      onclick: event => event.target.replaceWith(el('pre', { class: 'value-shown mono' }, decodeBase64(entry.value))) }, 'Show value'));
    return el('tr', { 'data-id': entry.id },
      el('td', {}, entry.time.slice(0, 19).replace('T', ' ')),
      el('td', { class: 'mono' }, entry.topic || ''),
      el('td', { class: 'mono' }, decodeBase64(entry.key)),
      el('td', { class: 'num' }, entry.status),
      el('td', {}, entry.reason || ''),
      el('td', { class: 'mono' }, entry.requestId || ''),
      el('td', { class: 'replayed' }, entry.replayed ? `partition ${entry.replayed.partition}, offset ${entry.replayed.offset}` : 'pending'),
      value);
  });
  $('dead-letters-table').tBodies[0].replaceChildren(...rows);
}

async function replay(event) {
  event.preventDefault();
  const topic = $('replay-topic').value.trim();
  try {
    const result = await api(`/console/api/dead-letters/replay${topic ? `?topic=${encodeURIComponent(topic)}` : ''}`,
      { method: 'POST' });
    show('replay-result', `Replayed ${result.replayed.length}; ${result.pending} pending`
      + (result.notReplayable ? `, ${result.notReplayable} not replayable` : '') + (result.error ? `: ${result.error}` : '.'),
      Boolean(result.error));
    await showDeadLetters();
  } catch (e) { show('replay-result', e.message, true); }
}

// --- start ----------------------------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', async () => {
  $('sign-in-form').addEventListener('submit', event => {
    event.preventDefault();
    signIn(`Bearer ${$('operator-key').value.trim()}`);
  });
  $('sign-in-certificate').addEventListener('click', () => signIn(null));
  $('sign-out').addEventListener('click', async () => {
    try { await api('/console/api/sign-out', { method: 'POST' }); } finally { signedOut('Signed out.'); }
  });
  $('create-topic-form').addEventListener('submit', createTopic);
  $('connect-form').addEventListener('submit', generateKey);
  $('download-ca-p12').addEventListener('click', downloadTrustStore);
  $('test-message-form').addEventListener('submit', sendTestMessage);
  $('certificate-form').addEventListener('submit', signCertificate);
  $('replay-form').addEventListener('submit', replay);
  $('dead-letters-more').addEventListener('click', () => showDeadLetters('more').catch(e => show('notice', e.message, true)));
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => navigator.clipboard.writeText($(button.dataset.copy).textContent)
      .then(() => { button.textContent = 'Copied'; }, () => { button.textContent = 'Select and copy'; }));
  }
  window.addEventListener('hashchange', route);
  try {
    signedIn(await api('/console/api/session'));
  } catch {
    signedOut();
  }
});
