function mgLesson() {
  'use strict';
  var data = JSON.parse(document.getElementById('mg-frames').textContent);
  var frames = data.frames, n = frames.length, at = -1, step = 0;
  var body = document.body, pic = document.getElementById('picture');
  /* the picture, or two of one graph: left to right ("wide") and top to
     bottom ("tall", ids prefixed "t"), the style showing one; svg is the one
     shown, each box's state is set in both */
  var pictures = pic.querySelectorAll('svg'), svg = pictures[0];
  var prefixes = pictures.length > 1 ? ['', 't'] : [''];
  var caps = document.querySelectorAll('#captions .caption');
  var counter = document.getElementById('counter'), slider = document.getElementById('slider');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var zoomButton = document.getElementById('zoom');
  var saved = {}, flags = {}, answered = {};
  /* zoom: 'fit' (the whole graph) or 'follow' at level z (1: the picture's
     own size); auto until the reader chooses */
  var mode = null, z = 0.87, chosen = false;

  /* ---- one frame's state, applied to the picture (to both, when there are two) ---- */
  function shownPicture() {
    for (var k = 0; k < pictures.length; k++)
      if (getComputedStyle(pictures[k]).display !== 'none') return pictures[k];
    return pictures[0];
  }
  /* id's element in the picture shown, and in every picture */
  function node(i) { return document.getElementById((svg === pictures[0] ? '' : 't') + 'v' + i); }
  function every(id) {
    var found = [];
    prefixes.forEach(function (p) { var e = document.getElementById(p + id); if (e) found.push(e); });
    return found;
  }
  function save(i) {
    if (saved[i]) return;
    var g = every('v' + i)[0], a = g.querySelector('a'), t = g.querySelectorAll('text'), s = [];
    for (var k = 0; k < t.length; k++) s.push(t[k].textContent);
    saved[i] = {t: s, tip: tipOf(a) ? tipOf(a).value : null};
  }
  function setFlags(i, f) {
    prefixes.forEach(function (p) {
      var g = document.getElementById(p + 'v' + i), op = document.getElementById(p + 'v' + i + '_op');
      var e = document.getElementById(p + 'v' + i + '_out');
      g.classList.toggle('current', (f & 1) !== 0);
      g.classList.toggle('changed', (f & 2) !== 0);
      g.classList.toggle('dim', (f & 4) !== 0);
      g.classList.toggle('unknown', (f & 8) !== 0);
      g.classList.toggle('wrong', (f & 16) !== 0);
      /* an op not run yet is greyed as its result */
      if (op) { op.classList.toggle('current', (f & 1) !== 0); op.classList.toggle('dim', (f & 12) !== 0); }
      if (e) e.classList.toggle('current', (f & 1) !== 0);
    });
    flags[i] = f;
  }
  /* Graphviz's tooltip: the link's xlink:title (found by name: the page
     names no namespace) */
  function tipOf(a) {
    for (var k = 0; a && k < a.attributes.length; k++)
      if (a.attributes[k].localName === 'title') return a.attributes[k];
    return null;
  }
  function setTip(g, tip) {
    var t = tipOf(g.querySelector('a'));
    if (t && tip !== null) t.value = tip;
  }
  function apply(changes) {
    changes.forEach(function (d) {
      var i = d[0];
      save(i);
      if (d[1] >= 0) setFlags(i, d[1]);
      every('v' + i).forEach(function (g) {
        setTip(g, d[2]);
        var t = g.querySelectorAll('text');
        for (var k = 3; k + 1 < d.length; k += 2) t[d[k]].textContent = d[k + 1];
      });
    });
  }
  function reset() {
    Object.keys(saved).forEach(function (i) {
      every('v' + i).forEach(function (g) {
        var t = g.querySelectorAll('text');
        for (var k = 0; k < t.length; k++) t[k].textContent = saved[i].t[k];
        setTip(g, saved[i].tip);
      });
      setFlags(i, 0);
    });
  }
  function goTo(k) {
    if (k < at) { reset(); at = -1; }
    while (at < k) apply(frames[++at]);
  }

  /* ---- the quiz: the grads a step changes, asked before they are shown ---- */
  function asking(k) { return data.quiz && k > 0 && !answered[k] && data.ask[k].length > 0; }
  var hid = false; /* texts hidden by the quiz: the next step redraws */
  function hideAnswers(k) {
    hid = true;
    data.ask[k].forEach(function (q) {
      every('v' + q[0]).forEach(function (g) { g.querySelectorAll('text')[q[2]].textContent = 'grad ?'; });
    });
  }
  function matches(typed, answer) {
    var v = typed.trim().replace(/\u2212/g, '-');
    if (v === '') return false;
    var x = Number(v);
    if (isNaN(x)) return v.toLowerCase() === answer;
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(answer))
      return Math.abs(x - Number(answer)) <= Math.abs(Number(answer)) * 1e-3;
    var s = x.toFixed(data.precision);
    if (Number(s) === 0) s = s.replace('-', '');
    return s === answer;
  }
  function quizForm(k) {
    var box = caps[k].querySelector('.quiz');
    if (box.childNodes.length) return;
    data.ask[k].forEach(function (q) {
      var label = document.createElement('label'), input = document.createElement('input');
      label.textContent = q[1] + '.grad = ';
      input.type = 'text'; input.inputMode = 'decimal'; input.autocomplete = 'off';
      input.setAttribute('aria-label', q[1] + '.grad');
      label.appendChild(input);
      box.appendChild(label);
    });
    var check = document.createElement('button'), reveal = document.createElement('button');
    var verdict = document.createElement('span');
    check.type = reveal.type = 'button';
    check.className = 'check'; check.textContent = 'Check';
    reveal.className = 'reveal'; reveal.textContent = 'Show';
    verdict.className = 'verdict'; verdict.setAttribute('aria-live', 'polite');
    box.appendChild(check); box.appendChild(reveal); box.appendChild(verdict);
    check.addEventListener('click', function () {
      var inputs = box.querySelectorAll('input'), right = 0;
      data.ask[k].forEach(function (q, j) {
        var ok = matches(inputs[j].value, q[3]);
        inputs[j].classList.toggle('wrong', !ok);
        right += ok;
      });
      if (right === inputs.length) { answered[k] = true; verdict.textContent = 'right!'; show(k); }
      else verdict.textContent = right + ' of ' + inputs.length + ' right: try again';
    });
    reveal.addEventListener('click', function () { answered[k] = true; show(k); });
  }

  /* ---- zoom: the whole graph, or the view following the step ---- */
  function units() { return svg.viewBox.baseVal; }
  function fontUnits() {
    var t = svg.querySelector('g.node text');
    return t ? Number(t.getAttribute('font-size')) || 13 : 13;
  }
  function fitScale() {
    var r = pic.getBoundingClientRect(), vb = units();
    return Math.min(r.width / vb.width, r.height / vb.height);
  }
  /* the whole graph when its text can be read so, else follow the step */
  function autoMode() { return fontUnits() * fitScale() >= 12 ? 'fit' : 'follow'; }
  function setZoom() {
    if (!chosen) { mode = autoMode(); z = 0.87; }
    var follow = mode === 'follow';
    body.classList.toggle('follow', follow);
    zoomButton.setAttribute('aria-pressed', String(!follow));
    zoomButton.textContent = follow ? 'Whole graph' : 'Follow step';
    if (follow) {
      var vb = units(), s = Math.max(z * 4 / 3, fitScale());
      svg.style.width = vb.width * s + 'px';
      svg.style.height = vb.height * s + 'px';
    } else {
      svg.style.width = svg.style.height = '';
    }
  }
  function follow() {
    if (mode !== 'follow') return;
    var ids = [], root = svg.querySelector('g.node.root');
    for (var i in flags) if (flags[i] & 1) ids.unshift(i); else if (flags[i] & 2) ids.push(i);
    var els = ids.map(node);
    if (!els.length && root) els = [root];
    if (!els.length) return;
    var view = pic.getBoundingClientRect(), r = els[0].getBoundingClientRect();
    var box = {l: r.left, t: r.top, r: r.right, b: r.bottom};
    els.forEach(function (e) {
      var q = e.getBoundingClientRect();
      var l = Math.min(box.l, q.left), t = Math.min(box.t, q.top);
      var rr = Math.max(box.r, q.right), b = Math.max(box.b, q.bottom);
      if (rr - l <= view.width && b - t <= view.height) box = {l: l, t: t, r: rr, b: b};
    });
    pic.scrollLeft += (box.l + box.r) / 2 - (view.left + view.width / 2);
    pic.scrollTop += (box.t + box.b) / 2 - (view.top + view.height / 2);
  }
  function zoomTo(m, level) {
    chosen = true; mode = m;
    z = Math.round(Math.min(8, Math.max(0.25, level)) * 100) / 100; /* as the address keeps it */
    refresh();
  }
  function refresh() {
    var was = svg;
    svg = shownPicture();
    if (was !== svg) was.style.width = was.style.height = '';
    setZoom(); follow(); address();
  }

  /* ---- steps ---- */
  function address() {
    var h = '#step-' + (step + 1);
    if (chosen) h += '&zoom=' + (mode === 'fit' ? 'fit' : String(Math.round(z * 100)));
    try { history.replaceState(null, '', h); } catch (e) {}
  }
  function show(i) {
    i = Math.max(0, Math.min(n - 1, i));
    if (hid) { reset(); at = -1; hid = false; }
    goTo(i);
    caps[step].classList.remove('shown');
    step = i;
    var ask = asking(i);
    caps[i].classList.add('shown');
    caps[i].classList.toggle('asking', ask);
    if (ask) { hideAnswers(i); quizForm(i); }
    counter.textContent = 'step ' + (i + 1) + ' of ' + n;
    slider.value = String(i);
    prev.disabled = i === 0;
    next.disabled = i === n - 1;
    refresh();
  }

  /* ---- paper: one sheet per frame, made when printing ---- */
  var sheets = document.getElementById('print');
  function buildPrint() {
    if (sheets.childNodes.length) return;
    for (var k = 0; k < n; k++) {
      goTo(k);
      var sheet = document.createElement('section'), h = document.createElement('h2');
      var graph = document.createElement('div'), copy = pictures[0].cloneNode(true);
      copy.removeAttribute('style');
      copy.querySelectorAll('[id]').forEach(function (e) { e.removeAttribute('id'); });
      var cap = caps[k].cloneNode(true);
      cap.removeAttribute('id');
      cap.classList.remove('asking');
      sheet.className = 'sheet';
      h.textContent = document.querySelector('h1').textContent + ' \u00b7 step ' + (k + 1) + ' of ' + n;
      graph.className = 'graph';
      graph.appendChild(copy);
      sheet.appendChild(h); sheet.appendChild(graph); sheet.appendChild(cap);
      sheets.appendChild(sheet);
    }
    show(step);
  }
  function clearPrint() { while (sheets.firstChild) sheets.removeChild(sheets.firstChild); }
  window.addEventListener('beforeprint', buildPrint);
  window.addEventListener('afterprint', clearPrint);
  var printing = window.matchMedia('print');
  var onPrint = function (e) { if (e.matches) buildPrint(); else clearPrint(); };
  if (printing.addEventListener) printing.addEventListener('change', onPrint);
  else printing.addListener(onPrint);

  /* ---- a box's paths: click a value to see every path from the root to it ---- */
  var panel = document.getElementById('paths');
  function nameOf(i) { return data.names[i] || 'v' + i; }
  function showPaths(i) {
    var p = data.paths && data.paths[i];
    if (!p) return;
    var root = nameOf(p.length > 2 ? p[2][0][0] : i), me = nameOf(i);
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    function line(text, cls) {
      var e = document.createElement('p');
      e.textContent = text;
      if (cls) e.className = cls;
      panel.appendChild(e);
    }
    line(p[0] === 0 ? root + ' does not depend on ' + me :
      'd' + root + '/d' + me + ' = ' + p[1] + ', summed over ' + p[0] + (p[0] === 1 ? ' path' : ' paths') +
      (p[0] > p.length - 2 ? ' (the first ' + (p.length - 2) + ' shown)' : '') + ':', 'head');
    for (var k = 2; k < p.length; k++) {
      var names = p[k][0].map(nameOf), locals = p[k][1].map(function (x) { return '(' + x + ')'; });
      line(names.join(' \u2192 ') + ': ' + (locals.length ? locals.join('\u00b7') : '1') + ' = ' + p[k][2], 'path');
    }
    var close = document.createElement('button');
    close.type = 'button'; close.textContent = 'Close'; close.className = 'close';
    close.addEventListener('click', function () { panel.hidden = true; });
    panel.appendChild(close);
    panel.hidden = false;
    panel.dataset.value = String(i);
  }
  pic.addEventListener('click', function (e) {
    var g = e.target.closest && e.target.closest('g.node.value');
    if (g) { e.preventDefault(); showPaths(Number(g.id.replace(/^t?v/, ''))); }
  });

  /* ---- controls ---- */
  zoomButton.addEventListener('click', function () { zoomTo(mode === 'fit' ? 'follow' : 'fit', z); });
  prev.addEventListener('click', function () { show(step - 1); });
  next.addEventListener('click', function () { show(step + 1); });
  slider.addEventListener('input', function () { show(Number(slider.value)); });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape') { panel.hidden = true; return; }
    if (e.target && e.target.tagName === 'INPUT' && e.target.type === 'text') {
      if (e.key === 'Enter') { e.preventDefault(); caps[step].querySelector('.check').click(); }
      return;
    }
    var zoomKeys = {z: 1, Z: 1, '+': 1.25, '=': 1.25, '-': 0.8, '0': 0};
    if (e.key in zoomKeys) {
      e.preventDefault();
      if (e.key === 'z' || e.key === 'Z') zoomTo(mode === 'fit' ? 'follow' : 'fit', z);
      else if (e.key === '0') { chosen = false; refresh(); }
      else zoomTo('follow', (mode === 'fit' ? 1 : z) * zoomKeys[e.key]);
      return;
    }
    var to = {ArrowRight: step + 1, ArrowDown: step + 1, PageDown: step + 1, ' ': step + 1,
              ArrowLeft: step - 1, ArrowUp: step - 1, PageUp: step - 1, Home: 0, End: n - 1}[e.key];
    if (to === undefined) return;
    e.preventDefault();
    show(to);
  });
  window.addEventListener('resize', refresh);
  function open() {
    var m = /^#step-(\d+)(?:&zoom=(fit|\d+))?$/.exec(location.hash);
    if (m && m[2]) { chosen = true; mode = m[2] === 'fit' ? 'fit' : 'follow'; z = m[2] === 'fit' ? z : Number(m[2]) / 100; }
    show(m ? Number(m[1]) - 1 : 0);
  }
  window.addEventListener('hashchange', open);
  open();
}
