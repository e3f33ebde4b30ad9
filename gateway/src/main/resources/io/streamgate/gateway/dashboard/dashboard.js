// Streamgate live dashboard: plain JavaScript, no build step, nothing loaded from elsewhere.
// Open it as /#token=<JWT> (the fragment never reaches the server). Optional: &views=a,b,c.
// Each view: its first rows over REST (top-N for ranked views), then every change over one
// WebSocket (/v1/ws, a whole-view subscription per view), see docs/push.md: update and
// snapshot put a row, delete removes it, switch (a new view version) reloads the view's rows.
// Usage: &usage=<sub> (or a token with scope admin: its own sub) adds a panel with that
// principal's usage today per view or stream (GET /admin/v1/usage, scope admin), every 5 s.
(function () {
  'use strict';
  var DEFAULT_VIEWS = ['user_totals', 'order_status', 'product_revenue'];
  var MAX_ROWS = 15;
  var USAGE_COUNTERS = ['requests.ok', 'requests.refused', 'requests.limited', 'rows', 'events',
    'push.messages'];

  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
  var token = params.get('token');
  var wanted = (params.get('views') || DEFAULT_VIEWS.join(',')).split(',').filter(Boolean);
  var panels = {};
  var updates = 0;
  var backoff = 500;

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function say(text) { $('message').textContent = text || ''; }
  function state(text, cls) { var s = $('state'); s.textContent = text; s.className = cls || ''; }

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + token } }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (p) {
          throw new Error(r.status + ' ' + (p.detail || r.statusText));
        });
      }
      return r.json();
    });
  }

  function Panel(view) {
    this.view = view.name;
    this.rank = view.rank;
    this.rows = new Map();
    this.columns = (view.columns || []).map(function (c) { return c.name; })
      .filter(function (c) { return c !== view.key; });
    this.flash = null;
    this.section = el('section');
    this.section.id = 'view-' + view.name;
    this.section.appendChild(el('h2', view.name));
    this.section.appendChild(el('p', view.description || '', 'muted'));
    this.table = el('table');
    this.section.appendChild(this.table);
    $('views').appendChild(this.section);
  }
  Panel.prototype.put = function (row, live) {
    var old = this.rows.get(row.key);
    if (old && old.version >= row.version) { return; }
    this.rows.set(row.key, row);
    if (this.columns.length === 0 && row.value) { this.columns = Object.keys(row.value); }
    if (live) { this.flash = row.key; }
    this.dirty = true;
  };
  Panel.prototype.remove = function (key, version) {
    var old = this.rows.get(key);
    if (!old || old.version >= version) { return; }
    this.rows.delete(key);
    this.dirty = true;
  };
  Panel.prototype.sorted = function () {
    var rows = Array.from(this.rows.values());
    var rank = this.rank;
    if (rank) {
      rows.sort(function (a, b) { return (b.value[rank] || 0) - (a.value[rank] || 0); });
    } else {
      rows.sort(function (a, b) { return b.updatedAt - a.updatedAt; });
    }
    return rows.slice(0, MAX_ROWS);
  };
  Panel.prototype.render = function () {
    if (!this.dirty) { return; }
    this.dirty = false;
    var rows = this.sorted();
    var cols = this.columns;
    var table = this.table;
    table.textContent = '';
    var head = el('tr');
    head.appendChild(el('th', 'key'));
    cols.forEach(function (c) { head.appendChild(el('th', c)); });
    head.appendChild(el('th', 'version'));
    if (this.rank) { head.appendChild(el('th', '')); }
    table.appendChild(head);
    var max = 0;
    var rank = this.rank;
    if (rank) { rows.forEach(function (r) { max = Math.max(max, Number(r.value[rank]) || 0); }); }
    var flash = this.flash;
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.setAttribute('data-key', r.key);
      tr.setAttribute('data-version', r.version);
      if (r.key === flash) { tr.className = 'flash'; }
      tr.appendChild(el('td', r.key));
      cols.forEach(function (c) {
        var v = r.value ? r.value[c] : '';
        tr.appendChild(el('td', typeof v === 'object' && v !== null ? JSON.stringify(v) : v));
      });
      tr.appendChild(el('td', r.version, 'muted'));
      if (rank) {
        var td = el('td');
        var bar = el('div', null, 'bar');
        bar.style.width = (max > 0 ? Math.round(80 * (Number(r.value[rank]) || 0) / max) : 0) + 'px';
        td.appendChild(bar);
        tr.appendChild(td);
      }
      table.appendChild(tr);
    });
    this.flash = null;
  };

  var scheduled = false;
  function renderSoon() {
    if (scheduled) { return; }
    scheduled = true;
    // At most ~10 renders/s, whatever the change rate.
    setTimeout(function () {
      scheduled = false;
      Object.keys(panels).forEach(function (v) { panels[v].render(); });
    }, 100);
  }

  function load(panel) {
    var path = panel.rank
      ? '/v1/views/' + panel.view + '/top?n=' + MAX_ROWS
      : '/v1/views/' + panel.view + '?limit=' + MAX_ROWS;
    return api(path).then(function (body) {
      body.rows.forEach(function (r) { panel.put(r, false); });
      renderSoon();
    }).catch(function (e) { say('initial rows of ' + panel.view + ': ' + e.message); });
  }

  function connect() {
    var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    var ws = new WebSocket(scheme + location.host + '/v1/ws?access_token='
      + encodeURIComponent(token));
    state('connecting');
    ws.onopen = function () {
      backoff = 500;
      Object.keys(panels).forEach(function (view) {
        ws.send(JSON.stringify({ op: 'subscribe', id: view, view: view }));
      });
    };
    ws.onmessage = function (event) {
      var m = JSON.parse(event.data);
      if (m.type === 'update' || m.type === 'snapshot') {
        var panel = panels[m.view];
        if (!panel) { return; }
        panel.put(m, true);
        updates++;
        $('updates').textContent = updates;
        $('latency').textContent = Math.max(0, Date.now() - m.updatedAt) + ' ms';
        renderSoon();
      } else if (m.type === 'delete') {
        var from = panels[m.view];
        if (!from) { return; }
        from.remove(m.key, m.version);
        updates++;
        $('updates').textContent = updates;
        renderSoon();
      } else if (m.type === 'switch') {
        // A new view version serves the view: its rows replace the old version's.
        var switched = panels[m.id];
        if (switched) {
          switched.rows = new Map();
          switched.dirty = true;
          load(switched);
        }
      } else if (m.type === 'subscribed') {
        state('live', 'live');
      } else if (m.type === 'status') {
        state(m.live ? 'live' : 'gateway lost its change feed', m.live ? 'live' : 'down');
      } else if (m.type === 'resync') {
        var p = panels[m.id];
        if (p) { load(p); }
      } else if (m.type === 'error') {
        say((m.id ? m.id + ': ' : '') + m.code + ': ' + m.message);
      }
    };
    ws.onclose = function (event) {
      if (event.code === 4001) {
        state('token expired', 'down');
        say('The token expired: open the page again with a fresh #token=…');
        return;
      }
      state('reconnecting', 'down');
      setTimeout(function () {
        // Whole-view subscriptions have no resume: reload the rows, then follow again.
        Promise.all(Object.keys(panels).map(function (v) { return load(panels[v]); }))
          .then(connect);
      }, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  function claims() {
    try {
      return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    } catch (e) {
      return {}; // an API key, or not a JWT
    }
  }

  function usagePanel(sub) {
    var section = el('section');
    section.id = 'usage';
    section.appendChild(el('h2', 'usage of ' + sub + ' today (UTC)'));
    var note = el('p', 'counted by every gateway, flushed every 2 s', 'muted');
    section.appendChild(note);
    var table = el('table');
    section.appendChild(table);
    $('views').appendChild(section);
    function refresh() {
      api('/admin/v1/usage?sub=' + encodeURIComponent(sub)).then(function (body) {
        table.textContent = '';
        var head = el('tr');
        ['view or stream'].concat(USAGE_COUNTERS).forEach(function (c) { head.appendChild(el('th', c)); });
        table.appendChild(head);
        var day = body.days[0];
        var resources = day ? day.resources : {};
        Object.keys(resources).sort().forEach(function (name) {
          var tr = el('tr');
          tr.appendChild(el('td', name));
          USAGE_COUNTERS.forEach(function (c) { tr.appendChild(el('td', resources[name][c] || 0)); });
          table.appendChild(tr);
        });
      }).catch(function (e) {
        note.textContent = 'GET /admin/v1/usage: ' + e.message + ' (needs a token with scope admin)';
      });
    }
    refresh();
    setInterval(refresh, 5000);
  }

  function startUsage() {
    var me = token ? claims() : {};
    var sub = params.get('usage')
      || ((' ' + (me.scope || '') + ' ').indexOf(' admin ') >= 0 ? me.sub : null);
    if (token && sub) {
      usagePanel(sub);
    }
  }

  function start() {
    if (!token) {
      state('no token', 'down');
      say('Open this page as /#token=<JWT> (a token with views:read, e.g. from the demo\'s'
        + ' ready line or `streamgate token`).');
      return;
    }
    api('/v1/views').then(function (body) {
      var byName = {};
      body.views.forEach(function (v) { byName[v.name] = v; });
      var missing = [];
      wanted.forEach(function (name) {
        if (byName[name]) { panels[name] = new Panel(byName[name]); } else { missing.push(name); }
      });
      if (missing.length) {
        say('not available to this token (or not registered yet): ' + missing.join(', '));
      }
      if (Object.keys(panels).length === 0) {
        setTimeout(start, 3000); // the processor may not have registered its views yet
        return null;
      }
      return Promise.all(Object.keys(panels).map(function (v) { return load(panels[v]); }));
    }).then(function (loaded) { if (loaded) { connect(); } }).catch(function (e) {
      state('error', 'down');
      say('GET /v1/views: ' + e.message);
    });
  }

  startUsage();
  start();
})();
