/**
 * The page's script, served as `/status.js` (same origin, so the page's CSP allows it and no CDN
 * is involved). Every value goes into the page through `textContent` or an attribute set by the
 * DOM API, never as markup: object names and reasons are data, not HTML. Trace links are taken
 * only when they are http(s).
 */
export const STATUS_PAGE_SCRIPT = String.raw`'use strict';
(function () {
  var STATES = ['in-sync', 'drifted', 'missing', 'not-ours', 'deleted-at-source', 'unknown', 'failed', 'pending'];
  var refreshMs = 10000;
  var timer;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = String(attrs[key]);
      else node.setAttribute(key, String(attrs[key]));
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function replace(id, node) {
    var target = document.getElementById(id);
    target.replaceChildren(node);
  }
  function age(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
    return Math.round(seconds / 86400) + ' d';
  }
  function lag(p) {
    return p ? 'p50 ' + p.p50 + ' ms · p90 ' + p.p90 + ' ms · p99 ' + p.p99 + ' ms (' + p.count + ' events)' : '–';
  }
  function traceLink(object) {
    if (!object.traceUrl || !/^https?:\/\//i.test(object.traceUrl)) return null;
    return el('a', { href: object.traceUrl, target: '_blank', rel: 'noopener noreferrer', text: 'trace' });
  }
  function where(vault, region, tenant) {
    return vault + ' (' + [region, tenant && 'tenant ' + tenant].filter(Boolean).join(', ') + ')';
  }

  function renderTopology(report) {
    var bySource = {};
    var order = [];
    report.replicas.forEach(function (r) {
      var key = r.link + ' ' + r.sourceVault;
      if (!bySource[key]) { bySource[key] = []; order.push(key); }
      bySource[key].push(r);
    });
    var container = el('div');
    order.forEach(function (key) {
      var replicas = bySource[key];
      var first = replicas[0];
      container.appendChild(el('div', { class: 'source', 'data-source': first.sourceVault,
        text: 'link ' + first.link + ': ' + where(first.sourceVault, first.sourceRegion, first.sourceTenant) + ' →' }));
      var head = el('tr', {}, ['replica', 'state'].concat(STATES, ['oldest drift', 'event lag']).map(function (h) {
        return el('th', { text: h });
      }));
      var rows = replicas.map(function (r) {
        var notInSync = STATES.some(function (s) { return s !== 'in-sync' && r.counts[s] > 0; });
        var state = r.rebuilding ? 'rebuilding' : r.error ? 'listing failed' : notInSync ? 'not in sync' : 'in sync';
        var cls = r.rebuilding ? 'rebuilding' : r.error || notInSync ? 'not-in-sync' : 'in-sync';
        var cells = [
          el('td', { text: where(r.replicaVault, r.replicaRegion, r.replicaTenant) }),
          el('td', {}, [el('span', { class: 'badge ' + cls, text: state, title: r.error || '' })]),
        ].concat(STATES.map(function (s) { return el('td', { class: 'n', 'data-state': s, text: r.counts[s] }); }),
          [el('td', { text: age(r.oldestDriftSeconds) }), el('td', { text: lag(r.lagMs) })]);
        return el('tr', { 'data-replica': r.replicaVault }, cells);
      });
      container.appendChild(el('table', {}, [el('thead', {}, [head]), el('tbody', {}, rows)]));
    });
    replace('topology', container);
  }

  function objectRow(o, withStep) {
    var detail = o.state === 'drifted' && o.parts ? 'drifted: ' + o.parts.join(', ') : o.state;
    var cells = [
      el('td', { text: o.kind + ' ' + o.name }),
      el('td', { text: o.sourceVault + ' → ' + o.replicaVault + ' (' + o.replicaRegion + ')' }),
      el('td', { text: detail }),
      el('td', { text: age(o.driftAgeSeconds) }),
      el('td', { text: o.lastSuccessAt || '–' }),
      el('td', { text: o.error ? o.error + (o.attempts ? ' (' + o.attempts + ' attempts)' : '') : '' }),
    ];
    if (withStep) cells.push(el('td', { text: o.nextStep || '' }));
    cells.push(el('td', {}, [traceLink(o)]));
    return el('tr', { 'data-object': o.name, 'data-state': o.state }, cells);
  }
  function objectTable(objects, withStep) {
    var heads = ['object', 'source → replica', 'state', 'drift age', 'last success', 'error'];
    if (withStep) heads.push('next step');
    heads.push('');
    return el('table', {}, [
      el('thead', {}, [el('tr', {}, heads.map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', {}, objects.map(function (o) { return objectRow(o, withStep); })),
    ]);
  }

  async function getJson(path) {
    var response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) {
      // A follower that cannot show the leader's board says why (who leads, where, what failed).
      var reason = await response.json().then(function (body) { return body.error; }, function () { return ''; });
      throw new Error(path + ' answered ' + response.status + (reason ? ': ' + reason : ''));
    }
    return response.json();
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      var query = new URLSearchParams();
      var q = document.getElementById('q').value.trim();
      var state = document.getElementById('state').value;
      if (q) query.set('q', q);
      if (state) query.set('state', state);
      var results = await Promise.all([getJson('/status'), getJson('/status/objects?' + query)]);
      var report = results[0];
      var objects = results[1];
      refreshMs = Math.max(200, report.refreshSeconds * 1000);
      var overall = document.getElementById('overall');
      overall.textContent = report.rebuilding ? 'rebuilding' : report.inSync ? 'in sync' : 'not in sync';
      overall.className = 'badge ' + (report.rebuilding ? 'rebuilding' : report.inSync ? 'in-sync' : 'not-in-sync');
      document.getElementById('generated').textContent = 'as of ' + report.generatedAt;
      document.getElementById('lag').textContent = lag(report.lagMs);
      renderTopology(report);
      replace('failures', report.recentFailures.length
        ? objectTable(report.recentFailures, true)
        : el('p', { class: 'muted', text: 'none' }));
      document.getElementById('objects-total').textContent =
        objects.total + ' object(s)' + (objects.total > objects.objects.length ? ', first ' + objects.objects.length + ' shown' : '');
      replace('objects', objectTable(objects.objects, false));
      document.body.setAttribute('data-refreshed', report.generatedAt);
      document.getElementById('error').textContent = '';
    } catch (error) {
      document.getElementById('error').textContent = 'refresh failed: ' + error.message;
    }
    timer = setTimeout(refresh, refreshMs);
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('filter').addEventListener('submit', function (e) { e.preventDefault(); refresh(); });
    document.getElementById('q').addEventListener('input', refresh);
    document.getElementById('state').addEventListener('change', refresh);
    refresh();
  });
})();
`;
