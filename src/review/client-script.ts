/**
 * The review pages' script (/app.js): plain browser JavaScript, no framework. It reads the token
 * from the page's address, calls the JSON API with it in an Authorization header, and builds the
 * page with DOM calls; data only ever becomes text nodes or attribute values (`el` below), never
 * markup, so a sentence holding "<script>" shows as those characters.
 */
export const CLIENT_SCRIPT = String.raw`'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var token = params.get('token') || '';
  var main = document.getElementById('main');
  var status = document.getElementById('status');
  var who = document.getElementById('who');
  var LEVELS = ['document', 'second', 'sentence'];

  function qs(p) {
    var u = new URLSearchParams(p || {});
    u.set('token', token);
    return '?' + u.toString();
  }
  function href(path, p) { return path + qs(p); }
  function el(tag, attrs) {
    var e = document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'class') e.className = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    });
    append(e, Array.prototype.slice.call(arguments, 2));
    return e;
  }
  /** Appends children (nested lists flattened); anything not a node becomes a text node. */
  function append(e, children) {
    children.forEach(function (c) {
      if (c === undefined || c === null || c === false || c === '') return;
      if (Array.isArray(c)) append(e, c);
      else e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    });
  }
  /** Replaces what the target element shows. */
  function fill(target) {
    target.replaceChildren();
    append(target, Array.prototype.slice.call(arguments, 1));
  }
  function say(text, error) {
    status.textContent = text;
    status.className = error ? 'error' : '';
  }
  function api(path, p, init) {
    init = init || {};
    init.headers = Object.assign({ Authorization: 'Bearer ' + token }, init.headers || {});
    return fetch(path + qs(p), init).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + r.status);
        return body;
      });
    });
  }
  function review(action, level, target, value) {
    return api('/api/review', {}, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: action, level: level, target: target, value: value, who: who.value }),
    }).then(function (a) { say('saved: ' + a.action + ' ' + a.level + ' ' + a.target + (a.value ? ' → ' + a.value : '') + ' by ' + a.who + ' at ' + a.at); return a; },
      function (e) { say('not saved: ' + e.message, true); throw e; });
  }
  function thumb(id) {
    return el('a', { href: href('/image', { id: id }), 'data-image': id },
      el('img', { src: '/thumbs/' + encodeURIComponent(id) + qs(), loading: 'lazy', alt: 'key image ' + id, width: 96, height: 96 }));
  }
  function topicTitle(t) {
    return ['topic ' + t.label, t.name ? ' — ' + t.name : '', t.rejected ? el('span', { class: 'badge' }, 'rejected') : null,
      t.mergedInto ? el('span', { class: 'badge' }, 'merged into ' + t.mergedInto) : null];
  }
  function form(name, fields, button, submit) {
    var f = el('form', { 'data-action': name }, fields, el('button', { type: 'submit' }, button));
    f.addEventListener('submit', function (ev) { ev.preventDefault(); submit(f); });
    return f;
  }
  function select(name, options) {
    return el('select', { name: name }, options.map(function (o) { return el('option', { value: o.value }, o.text); }));
  }

  who.value = localStorage.getItem('pacsmine-reviewer') || '';
  who.addEventListener('change', function () { localStorage.setItem('pacsmine-reviewer', who.value); });
  document.querySelectorAll('[data-nav]').forEach(function (a) { a.setAttribute('href', href(a.getAttribute('data-nav'))); });

  function topicsPage() {
    var level = LEVELS.indexOf(params.get('level')) >= 0 ? params.get('level') : 'document';
    return api('/api/topics', { level: level }).then(function (topics) {
      var others = topics.map(function (t) { return { value: t.label, text: 'topic ' + t.label + (t.name ? ' — ' + t.name : '') }; });
      fill(main, 
        el('h1', {}, 'Topics'),
        el('p', { class: 'levels' }, LEVELS.map(function (l) { return el('a', { href: href('/', { level: l }), class: l === level ? 'current' : '' }, l + ' level'); })),
        el('p', {}, topics.length + ' topics at the ' + level + ' level'),
        topics.map(function (t) {
          return el('div', { class: 'card' + (t.rejected ? ' rejected' : ''), 'data-topic': t.label },
            el('h3', {}, el('a', { href: href('/topic', { level: level, label: t.label }) }, topicTitle(t))),
            el('div', {}, t.numDocs + ' documents, ' + t.numImages + ' key images'),
            el('div', { class: 'words' }, t.topWords.join(', ')),
            el('div', { class: 'grid' }, t.sample.map(thumb)),
            el('div', { class: 'actions' },
              form('rename', [el('input', { name: 'name', placeholder: 'new name', size: 18, required: true })], 'Rename', function (f) {
                review('rename', level, t.label, f.querySelector('[name="name"]').value).then(topicsPage, function () {});
              }),
              form('merge', [select('into', others.filter(function (o) { return o.value !== t.label; }))], 'Merge into', function (f) {
                review('merge', level, t.label, f.querySelector('[name="into"]').value).then(topicsPage, function () {});
              }),
              form('reject', [], 'Reject topic', function () { review('reject', level, t.label).then(topicsPage, function () {}); })));
        }));
    });
  }

  function topicPage() {
    var level = params.get('level'), label = params.get('label');
    return api('/api/topic', { level: level, label: label }).then(function (t) {
      fill(main, 
        el('h1', {}, topicTitle(t)),
        el('p', {}, t.level + ' level: ' + t.numDocs + ' documents, ' + t.numImages + ' key-image references, ' + t.imageCount + ' images with pixels'),
        el('p', { class: 'words' }, t.topWords.join(', ')),
        t.next ? el('div', { id: 'next-level' }, el('h2', {}, 'At the ' + t.next.level + ' level'),
          el('ul', {}, t.next.topics.map(function (c) {
            return el('li', {}, el('a', { href: href('/topic', { level: t.next.level, label: c.label }) }, 'topic ' + c.label + (c.name ? ' — ' + c.name : '')), ' (' + c.images + ' images)');
          }))) : null,
        el('h2', {}, 'Key images'),
        el('div', { class: 'grid', id: 'topic-grid' }, t.images.map(thumb)),
        t.images.length < t.imageCount ? el('p', {}, 'showing ' + t.images.length + ' of ' + t.imageCount) : null);
    });
  }

  function imagePage() {
    var id = params.get('id');
    return api('/api/image', { id: id }).then(function (im) {
      var s = im.sentence, h = im.highlight;
      var sentence = h ? [s.slice(0, h[0]), el('mark', {}, s.slice(h[0], h[1])), s.slice(h[1])] : [s];
      return Promise.all(im.labels.map(function (l) { return api('/api/topics', { level: l.level, sample: 0 }); })).then(function (lists) {
        fill(main, 
          el('h1', {}, 'Key image'),
          el('p', {}, el('code', {}, im.id)),
          el('img', { class: 'big', src: '/pixels/' + encodeURIComponent(im.id) + qs(), alt: 'key image ' + im.id }),
          el('h2', {}, 'Labels'),
          el('table', { id: 'labels' }, el('tr', {}, el('th', {}, 'level'), el('th', {}, 'topic'), el('th', {}, 'probability'), el('th', {}, 'reviewed'), el('th', {}, 'mark wrong')),
            im.labels.map(function (l, i) {
              return el('tr', { 'data-level': l.level }, el('td', {}, l.level),
                el('td', {}, el('a', { href: href('/topic', { level: l.level, label: l.label }) }, l.label + (l.name ? ' — ' + l.name : ''))),
                el('td', {}, l.score.toFixed(3)), el('td', {}, l.reviewed ? '→ ' + l.reviewed : ''),
                el('td', {}, form('relabel', [select('label', lists[i].filter(function (t) { return t.label !== l.label; }).map(function (t) { return { value: t.label, text: t.label + (t.name ? ' — ' + t.name : '') }; }))],
                  'Label is wrong: use this', function (f) { review('relabel', l.level, im.id, f.querySelector('[name="label"]').value).then(imagePage, function () {}); })));
            })),
          el('h2', {}, 'Predicted keywords'),
          im.keywords.length ? el('ul', { id: 'keywords' }, im.keywords.map(function (k) { return el('li', {}, k.level + ' (topic ' + k.topic + '): ' + (k.keyword || '—') + (k.cosine !== null ? ' (' + k.cosine.toFixed(3) + ')' : '')); }))
            : el('p', { id: 'keywords' }, 'none yet (pacsmine regress has not run)'),
          el('h2', {}, 'Sentence'),
          el('p', { class: 'sentence', id: 'sentence' }, im.previous ? im.previous + ' ' : '', sentence, im.next ? ' ' + im.next : ''),
          el('h2', {}, "The study's other key images"),
          el('div', { class: 'grid', id: 'study' }, im.study.length ? im.study.map(thumb) : 'none'));
      });
    });
  }

  function searchPage() {
    var q = params.get('q') || '';
    var box = el('input', { name: 'q', value: q, size: 40, placeholder: 'pleural effusion' });
    var f = el('form', { action: '/search', method: 'get' }, box, el('input', { type: 'hidden', name: 'token', value: token }), el('button', { type: 'submit' }, 'Search'));
    fill(main, el('h1', {}, 'Search key images by words'), f, el('div', { id: 'results' }));
    if (!q) return Promise.resolve();
    return api('/api/search', { q: q }).then(function (r) {
      var results = document.getElementById('results');
      if (!r.available) { fill(results, el('p', {}, 'Search is not available: ' + r.reason)); return; }
      fill(results, 
        r.unknown.length ? el('p', {}, 'not in the vocabulary: ' + r.unknown.join(', ')) : null,
        r.reason ? el('p', {}, r.reason) : null,
        r.hits.map(function (h) { return el('div', { class: 'hit' }, thumb(h.image), el('div', { class: 'caption' }, h.score.toFixed(3) + ' ' + h.caption)); }));
    });
  }

  function reviewPage() {
    return api('/api/review').then(function (actions) {
      fill(main, el('h1', {}, 'Review log'), el('p', {}, actions.length + ' actions; the next pacsmine dataset run applies them.'),
        el('table', { id: 'review-log' }, el('tr', {}, ['when', 'who', 'action', 'level', 'target', 'value'].map(function (x) { return el('th', {}, x); })),
          actions.map(function (a) { return el('tr', {}, [a.at, a.who, a.action, a.level, a.target, a.value || ''].map(function (x) { return el('td', {}, x); })); })));
    });
  }

  var pages = { topics: topicsPage, topic: topicPage, image: imagePage, search: searchPage, review: reviewPage };
  var page = pages[document.body.getAttribute('data-page')];
  page().then(function () { document.body.setAttribute('data-ready', '1'); },
    function (e) { fill(main, el('p', { class: 'error' }, 'Could not load: ' + e.message)); document.body.setAttribute('data-ready', '1'); });
})();
`;
