// Streamgate view authoring page: plain JavaScript, no build step, nothing loaded from elsewhere.
// Open it as /views#token=<JWT with scope admin> (the fragment never reaches the server). Every
// call goes to the admin API on this origin (docs/publishing.md): the list of views
// (GET /admin/v1/views, every 2 s), the sources' columns (GET /admin/v1/sources), preview
// (POST /admin/v1/views/preview), publish (POST /admin/v1/views/apply with a one-view pipeline)
// and drop (DELETE /admin/v1/views/{name}). A view's first rows come from GET /v1/views/{name}
// (the token needs views:read too for that).
(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var PREVIEW_LIMIT = 20;

  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
  var token = params.get('token');
  var sources = {};    // name -> definition (pipeline format)
  var views = {};      // name -> the list's summary
  var editing = null;  // the spec of the view being altered: fields the form lacks are kept
  var watching = null; // {view, version}: the version last published, followed to live

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function state(text, cls) { var s = $('state'); s.textContent = text; s.className = cls || ''; }

  // A problem+json answer (RFC 9457) as readable lines: status, title, detail, every error line.
  function Problem(status, body) {
    this.status = status;
    this.body = body || {};
  }
  Problem.prototype.lines = function () {
    var b = this.body;
    var lines = [this.status + ' ' + (b.title || 'error') + (b.detail ? ': ' + b.detail : '')];
    if (Array.isArray(b.errors) && !(b.errors.length === 1 && b.errors[0] === b.detail)) {
      b.errors.forEach(function (e) {
        lines.push('  • ' + (typeof e === 'string' ? e : JSON.stringify(e)));
      });
    }
    if (b.requestId) { lines.push('request id ' + b.requestId); }
    return lines.join('\n');
  };
  function describe(err) {
    return err instanceof Problem ? err.lines() : 'the gateway did not answer: ' + err.message;
  }

  function call(method, path, body) {
    var init = { method: method, headers: { Authorization: 'Bearer ' + token } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = { detail: text }; }
        if (!r.ok) { throw new Problem(r.status, json); }
        return json;
      });
    });
  }

  // ---- the list ----
  function percent(line) {
    var m = /backfilling (\d+(?:\.\d+)?) %/.exec(line || '');
    return m ? Number(m[1]) : null;
  }
  function stateClass(line) {
    var first = String(line || '').split(/[\s,:]/)[0];
    return ['live', 'backfilling', 'retiring', 'failed'].indexOf(first) >= 0 ? first : '';
  }
  function age(ms) {
    if (!ms) { return '–'; }
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 120 ? s + ' s ago' : s < 7200 ? Math.round(s / 60) + ' min ago'
      : Math.round(s / 3600) + ' h ago';
  }
  function count(n) { return n === undefined || n === null || n < 0 ? '–' : String(n); }

  function renderList(list) {
    var body = $('views');
    body.textContent = '';
    views = {};
    list.forEach(function (v) {
      views[v.name] = v;
      var tr = el('tr');
      tr.id = 'view-' + v.name;
      tr.setAttribute('data-version', v.version);
      tr.setAttribute('data-rows', v.rows);
      var name = el('td');
      var edit = el('a', v.name);
      edit.href = '#';
      edit.title = 'edit this view (alter: a new version)';
      edit.addEventListener('click', function (e) { e.preventDefault(); load(v.name); });
      name.appendChild(edit);
      tr.appendChild(name);
      tr.appendChild(el('td', v.version > 0 ? 'v' + v.version : '–'));
      var st = el('td', v.state, stateClass(v.state));
      st.title = v.state;
      var p = percent(v.state);
      if (p !== null) {
        var bar = el('div', null, 'bar');
        var fill = el('div');
        fill.style.width = Math.min(100, p) + '%';
        bar.appendChild(fill);
        st.appendChild(bar);
      }
      tr.appendChild(st);
      tr.appendChild(el('td', count(v.lagRecords)));
      tr.appendChild(el('td', count(v.rows), 'rows'));
      var fresh = el('td', age(v.watermarkMs));
      fresh.title = v.freshness || 'no event time yet';
      tr.appendChild(fresh);
      var actions = el('td');
      var rows = el('button', 'rows');
      rows.className = 'show-rows';
      rows.addEventListener('click', function () { showRows(v.name); });
      var drop = el('button', 'drop');
      drop.className = 'drop';
      drop.addEventListener('click', function () { dropView(v.name); });
      actions.appendChild(rows);
      actions.appendChild(drop);
      tr.appendChild(actions);
      body.appendChild(tr);
    });
    if (list.length === 0) {
      var empty = el('td', 'no views yet: write one on the left and publish it', 'muted');
      empty.colSpan = 7;
      var tr = el('tr');
      tr.appendChild(empty);
      body.appendChild(tr);
    }
    renderWatch();
  }

  function refresh() {
    return call('GET', '/admin/v1/views').then(function (body) {
      state('connected', 'live');
      $('message').textContent = '';
      $('refreshed').textContent = new Date().toLocaleTimeString();
      renderList(body.views || []);
    }).catch(function (err) {
      state(err instanceof Problem ? 'refused' : 'unreachable', 'down');
      $('message').textContent = describe(err);
    });
  }

  // The published version's way to live: "v2 backfilling 63 %" → "v2 live".
  function renderWatch() {
    var w = $('watch');
    if (!watching) { w.textContent = '–'; w.className = ''; return; }
    var v = views[watching.view];
    var line = 'waiting for the processor';
    if (v) {
      line = v.state;
      (v.versions || []).forEach(function (s) {
        if (s.version === watching.version) { line = s.state; }
      });
      if (v.version === watching.version && stateClass(line) === '') { line = 'live'; }
    }
    w.textContent = watching.view + ' v' + watching.version + ' ' + line;
    w.className = stateClass(line);
  }

  // ---- a view's first rows ----
  function showRows(name) {
    var out = $('rows');
    out.textContent = '';
    out.appendChild(el('h2', 'First rows of ' + name));
    call('GET', '/v1/views/' + encodeURIComponent(name) + '?limit=10').then(function (page) {
      var rows = page.rows || [];
      if (rows.length === 0) { out.appendChild(el('p', 'no rows yet', 'muted')); return; }
      var columns = [];
      rows.forEach(function (r) {
        Object.keys(r.value || {}).forEach(function (c) {
          if (columns.indexOf(c) < 0) { columns.push(c); }
        });
      });
      out.appendChild(table(['key'].concat(columns), rows.map(function (r) {
        return [r.key].concat(columns.map(function (c) { return (r.value || {})[c]; }));
      }), 'first-rows'));
    }).catch(function (err) {
      out.appendChild(el('div', describe(err), 'problem'));
    });
  }

  function table(header, rows, id) {
    var t = el('table');
    if (id) { t.id = id; }
    var head = el('tr');
    header.forEach(function (h) { head.appendChild(el('th', h)); });
    t.appendChild(head);
    rows.forEach(function (cells) {
      var tr = el('tr');
      cells.forEach(function (c) {
        tr.appendChild(el('td', c === null || c === undefined ? '' :
          typeof c === 'object' ? JSON.stringify(c) : c));
      });
      t.appendChild(tr);
    });
    return t;
  }

  // ---- sources and their columns ----
  // Spark DDL "a STRING NOT NULL, b DECIMAL(10,2), c STRUCT<x: INT, y: INT>" -> [{name, type}].
  function columnsOf(ddl) {
    var parts = [], depth = 0, start = 0;
    for (var i = 0; i < ddl.length; i++) {
      var ch = ddl[i];
      if (ch === '(' || ch === '<') { depth++; }
      if (ch === ')' || ch === '>') { depth--; }
      if (ch === ',' && depth === 0) { parts.push(ddl.slice(start, i)); start = i + 1; }
    }
    parts.push(ddl.slice(start));
    return parts.map(function (p) { return p.trim(); }).filter(Boolean).map(function (p) {
      var m = /^`?([^`\s:]+)`?\s*:?\s*(.*)$/.exec(p);
      return { name: m ? m[1] : p, type: m ? m[2].replace(/\s+COMMENT\s+.*$/i, '') : '' };
    });
  }

  function loadSources() {
    return call('GET', '/admin/v1/sources').then(function (body) {
      var select = $('source');
      var chosen = select.value;
      select.textContent = '';
      sources = {};
      (body.sources || []).forEach(function (s) {
        sources[s.name] = s.definition || {};
        select.appendChild(el('option', s.name));
      });
      if (chosen && sources[chosen]) { select.value = chosen; }
      renderColumns();
    }).catch(function (err) {
      $('columns').textContent = 'sources: ' + describe(err);
    });
  }

  function renderColumns() {
    var out = $('columns');
    out.textContent = '';
    var source = sources[$('source').value];
    if (!source) { out.textContent = 'no published sources'; return; }
    var topic = el('div', 'topic ' + (source.topic || '?') +
      (source.eventTime ? ' · event time ' + source.eventTime : '') +
      (source.watermark ? ' · watermark ' + source.watermark : ''));
    out.appendChild(topic);
    columnsOf(String(source.schema || '')).forEach(function (c) {
      var chip = el('span', c.name + ' ');
      chip.setAttribute('data-column', c.name);
      chip.appendChild(el('i', c.type.toLowerCase()));
      chip.title = 'insert ' + c.name;
      chip.addEventListener('click', function () { insert(c.name); });
      out.appendChild(chip);
    });
  }

  function insert(text) {
    var sql = $('sql');
    var at = sql.selectionStart || sql.value.length;
    sql.value = sql.value.slice(0, at) + text + sql.value.slice(sql.selectionEnd || at);
    sql.focus();
    sql.selectionStart = sql.selectionEnd = at + text.length;
  }

  // ---- the editor ----
  function load(name) {
    call('GET', '/admin/v1/views/' + encodeURIComponent(name)).then(function (v) {
      var def = v.definition || {};
      var versions = Array.isArray(def.versions) ? def.versions : [];
      var newest = versions.length ? versions[versions.length - 1].spec : null;
      editing = newest ? JSON.parse(JSON.stringify(newest)) : {};
      var catalog = v.catalog || {};
      $('name').value = name;
      $('sql').value = editing.sql || '';
      $('key').value = editing.key || catalog.key || '';
      $('kind').value = editing.kind || catalog.kind || 'aggregate';
      $('rank').value = editing.rank || catalog.rank || '';
      $('description').value = editing.description || catalog.description || '';
      $('editor-title').textContent = 'Alter ' + name + ' (publishing makes a new version)';
      $('editor-problem').textContent = '';
    }).catch(function (err) { $('editor-problem').textContent = describe(err); });
  }

  function clear() {
    editing = null;
    ['name', 'sql', 'key', 'rank', 'description'].forEach(function (id) { $(id).value = ''; });
    $('kind').value = 'aggregate';
    $('editor-title').textContent = 'New view';
    $('editor-problem').textContent = '';
    $('reply').textContent = '';
  }

  // The form as one view of a pipeline document; null (and a line saying why) if incomplete.
  function pipelineDoc() {
    var name = $('name').value.trim();
    var spec = JSON.parse(JSON.stringify(editing || {}));
    spec.sql = $('sql').value.trim();
    spec.key = $('key').value.trim();
    spec.kind = $('kind').value;
    ['rank', 'description'].forEach(function (field) {
      var value = $(field).value.trim();
      if (value) { spec[field] = value; } else { delete spec[field]; }
    });
    var missing = [];
    if (!name) { missing.push('name'); }
    if (!spec.sql) { missing.push('SQL'); }
    if (!spec.key) { missing.push('key column'); }
    if (missing.length) {
      $('editor-problem').textContent = 'missing: ' + missing.join(', ');
      return null;
    }
    $('editor-problem').textContent = '';
    var views = {};
    views[name] = spec;
    return { name: name, pipeline: { views: views } };
  }

  function preview() {
    var doc = pipelineDoc();
    if (!doc) { return; }
    var status = $('preview-status');
    status.textContent = 'running ' + doc.name + ' over the latest events…';
    $('preview-problem').textContent = '';
    $('preview-out').textContent = '';
    call('POST', '/admin/v1/views/preview',
      { pipeline: doc.pipeline, view: doc.name, limit: PREVIEW_LIMIT }).then(function (reply) {
      var p = reply.preview || {};
      var columns = p.columns || [];
      var rows = p.rows || [];
      var key = doc.pipeline.views[doc.name].key;
      status.textContent = 'valid · ' + rows.length + ' row' + (rows.length === 1 ? '' : 's') +
        ' · ' + columns.length + ' columns; nothing was published';
      var out = table(columns.map(function (c) { return c.name + ' ' + (c.type || ''); }),
        rows.map(function (r) {
          return columns.map(function (c) {
            var value = r.value || {};
            return c.name in value ? value[c.name] : c.name === key ? r.key : undefined;
          });
        }));
      var target = $('preview-out');
      while (out.firstChild) { target.appendChild(out.firstChild); }
    }).catch(function (err) {
      status.textContent = 'refused: nothing was published';
      $('preview-problem').textContent = describe(err);
    });
  }

  function resultLines(reply) {
    var lines = (reply.results || []).map(function (r) {
      return r.view + ': ' + r.outcome + (r.detail ? ' → ' + r.detail : '');
    });
    return lines.length ? lines.join('\n') : 'ok (request ' + reply.id + ')';
  }

  function publish() {
    var doc = pipelineDoc();
    if (!doc) { return; }
    $('reply').textContent = 'publishing ' + doc.name + '…';
    call('POST', '/admin/v1/views/apply', { pipeline: doc.pipeline }).then(function (reply) {
      $('reply').textContent = resultLines(reply);
      (reply.results || []).forEach(function (r) {
        if (r.view === doc.name && (r.outcome === 'created' || r.outcome === 'altered')) {
          watching = { view: r.view, version: r.version };
        }
      });
      renderWatch();
      refresh();
    }).catch(function (err) {
      $('reply').textContent = '';
      $('editor-problem').textContent = describe(err);
    });
  }

  function dropView(name) {
    if (!window.confirm('Drop view ' + name + '? Its query stops now; its rows and its API go' +
        ' after the grace period.')) {
      return;
    }
    call('DELETE', '/admin/v1/views/' + encodeURIComponent(name)).then(function (reply) {
      $('reply').textContent = resultLines(reply);
      refresh();
    }).catch(function (err) { $('editor-problem').textContent = describe(err); });
  }

  function start() {
    if (!token) {
      state('no token', 'down');
      $('message').textContent = 'Open this page as /views#token=<JWT with scope admin>' +
        ' (./streamgate token --sub me --scope "admin views:read" prints one for the demo).';
      return;
    }
    $('source').addEventListener('change', renderColumns);
    $('preview').addEventListener('click', preview);
    $('publish').addEventListener('click', publish);
    $('clear').addEventListener('click', clear);
    loadSources();
    refresh();
    setInterval(refresh, REFRESH_MS);
  }

  start();
})();
