/* Exported lesson pages, with no kernel: keep every answer in this browser's localStorage,
   restore it on reload, download all answers as the same Markdown `alliance journal export`
   writes, clear them after confirmation, draw the closing profile, and fill accessibility
   gaps in the widgets. Learner text is only ever set as text, never as HTML. */
(function () {
  'use strict';
  var PREFIX = 'alliance:answer:';
  var JOURNAL_TITLE = 'My reflective journal: the therapeutic relationship';
  var PRIVACY_LINE = 'These are my own reflections, exported from my private journal. ' +
    'I choose whether and with whom to share them.';
  var page = JSON.parse(document.getElementById('alliance-lesson').textContent);

  var store = (function () {
    try {
      var probe = PREFIX + 'probe';
      window.localStorage.setItem(probe, '1');
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;  // private browsing, or storage switched off
    }
  })();

  function status(message) {
    document.querySelectorAll('.alliance-answers-status').forEach(function (el) { el.textContent = message; });
  }

  // ---- Answers, keyed by lesson, exercise and field, as in the journal. ----

  function key(exercise, field) { return PREFIX + page.lesson + ':' + exercise.id + ':' + field.name; }

  function shown(field, value) {
    var words = field.words || {kind: 'text'};
    if (value === null || value === undefined) return '';
    if (words.kind === 'scale') return value + ' of ' + words.max;
    if (words.kind === 'tick') return value ? 'Ticked' : 'Not ticked';
    if (words.kind === 'choice') return words.options[value];
    return String(value);
  }

  function save(exercise, field, value) {
    if (!store) return;
    store.setItem(key(exercise, field), JSON.stringify({
      lesson: page.lesson, exercise: exercise.id, field: field.name, value: value,
      shown: shown(field, value), label: field.label, lesson_title: page.title,
      exercise_title: exercise.title, position: exercise.position, field_position: field.position,
      updated_at: new Date().toISOString()
    }));
    drawProfile();
  }

  function saved(exercise, field) {
    if (!store) return undefined;
    try {
      var item = store.getItem(key(exercise, field));
      return item === null ? undefined : JSON.parse(item).value;
    } catch (e) { return undefined; }
  }

  function allAnswers() {
    var answers = [];
    if (!store) return answers;
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0 && k !== PREFIX + 'probe') {
        try { answers.push(JSON.parse(store.getItem(k))); } catch (e) { /* skip a damaged entry */ }
      }
    }
    function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
    return answers.sort(function (a, b) {
      return cmp(a.lesson, b.lesson) || a.position - b.position || cmp(a.exercise, b.exercise) ||
        a.field_position - b.field_position || cmp(a.field, b.field);
    });
  }

  // ---- One control per field; the widget views listen to the same DOM events a learner makes. ----

  function fieldElement(card, field) { return card.querySelector('.alliance-field-' + field.name); }

  function readValue(el, field) {
    var words = field.words || {};
    var textarea = el.querySelector('textarea');
    if (textarea) return textarea.value;
    var box = el.querySelector('input[type=checkbox]');
    if (box) return box.checked;
    var radios = Array.prototype.slice.call(el.querySelectorAll('input[type=radio]'));
    var index = radios.findIndex(function (r) { return r.checked; });
    if (index < 0) return null;
    return words.values ? words.values[index] : index;
  }

  function writeValue(el, field, value) {
    var words = field.words || {};
    var textarea = el.querySelector('textarea');
    if (textarea) {
      if (typeof value === 'string' && textarea.value !== value) {
        textarea.value = value;
        textarea.dispatchEvent(new Event('input', {bubbles: true}));
      }
      return;
    }
    var box = el.querySelector('input[type=checkbox]');
    if (box) {
      if (box.checked !== Boolean(value)) box.click();
      return;
    }
    var radios = el.querySelectorAll('input[type=radio]');
    var index = words.values ? words.values.indexOf(value) : value;
    if (typeof index === 'number' && radios[index] && !radios[index].checked) radios[index].click();
  }

  function bind(card, exercise) {
    exercise.fields.forEach(function (field) {
      var el = fieldElement(card, field);
      var value = saved(exercise, field);
      if (value !== undefined) writeValue(el, field, value);
      var remember = function () {
        setTimeout(function () { save(exercise, field, readValue(el, field)); }, 0);
      };
      el.addEventListener('input', remember);
      el.addEventListener('change', remember);
    });
    card.dataset.allianceBound = 'true';
  }

  function ready(card, exercise) {
    return exercise.fields.every(function (field) {
      var el = fieldElement(card, field);
      return el && el.querySelector('textarea, input');
    });
  }

  // ---- The widgets' own gaps: names for icon buttons, keyboard for the reveal panels. ----

  var ICON_NAMES = {'fa-play': 'Start', 'fa-pause': 'Pause', 'fa-stop': 'Stop', 'fa-retweet': 'Repeat'};
  var groups = 0;

  function nameButton(button) {
    // Words instead of an icon font: clearer for everyone, and a single-file page has no font files.
    var icon = button.querySelector('i');
    var name = icon && Object.keys(ICON_NAMES).find(function (c) { return icon.classList.contains(c); });
    if (!name) return;
    var words = button.querySelector('.alliance-button-words');
    if (!words) {
      words = document.createElement('span');
      words.className = 'alliance-button-words';
      button.appendChild(words);
    }
    if (words.textContent !== ICON_NAMES[name]) {
      words.textContent = ICON_NAMES[name];
      button.setAttribute('aria-label', ICON_NAMES[name] + ' the guided practice');
    }
  }

  function improve(root) {
    root.querySelectorAll('.widget-play button').forEach(function (button) {
      nameButton(button);
      var icon = button.querySelector('i');
      if (icon && !icon.dataset.allianceWatched) {  // the play button turns into pause and back
        icon.dataset.allianceWatched = 'true';
        new MutationObserver(function () { nameButton(button); }).observe(icon, {attributes: true, attributeFilter: ['class']});
      }
    });
    // Text and output areas are not controls: keep them out of the Tab order.
    root.querySelectorAll('main .jp-Cell-inputWrapper[tabindex], main .jp-OutputArea-output[tabindex]').forEach(function (el) {
      el.removeAttribute('tabindex');
    });
    // Scenario feedback is announced when it appears.
    root.querySelectorAll('.alliance-scenario .widget-stack, .alliance-scenario .jupyter-widget-Stack').forEach(function (stack) {
      stack.setAttribute('aria-live', 'polite');
    });
    root.querySelectorAll('.jupyter-widget-Collapse-header').forEach(function (header) {
      if (header.dataset.allianceKeyboard) return;
      header.dataset.allianceKeyboard = 'true';
      header.setAttribute('role', 'button');
      header.setAttribute('tabindex', '0');
      var sync = function () {
        var open = header.parentElement.classList.contains('jupyter-widget-Collapse-open');
        header.setAttribute('aria-expanded', open ? 'true' : 'false');
      };
      sync();
      header.addEventListener('click', function () { setTimeout(sync, 0); });
      header.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); header.click(); }
      });
    });
    root.querySelectorAll('.widget-radio').forEach(function (group) {
      var box = group.querySelector('.widget-radio-box');
      var label = group.querySelector('.widget-label');
      if (box && label && !box.getAttribute('role')) {
        groups += 1;
        label.id = label.id || 'alliance-group-label-' + groups;
        box.setAttribute('role', 'radiogroup');
        box.setAttribute('aria-labelledby', label.id);
        // One name per statement, so arrow keys stay within it and Tab stops once per statement.
        box.querySelectorAll('input[type=radio]').forEach(function (r) { r.name = 'alliance-group-' + groups; });
      }
    });
  }

  // ---- The closing lesson's profile, drawn from the ratings this browser has kept. ----

  function drawProfile() {
    var source = document.querySelector('.alliance-profile-source');
    if (!source) return;
    var ratings = JSON.parse(source.dataset.ratings);
    var values = {};
    allAnswers().forEach(function (a) { values[a.lesson + ':' + a.exercise + ':' + a.field] = a.value; });
    document.querySelectorAll('.alliance-profile-chart tr[data-benefit]').forEach(function (row) {
      var raw = [], fractions = [], tops = {}, total = 0;
      (ratings[row.dataset.benefit] || []).forEach(function (r) {
        total += r.fields.length;
        r.fields.forEach(function (f) {
          var v = values[r.lesson + ':' + r.exercise + ':' + f];
          if (typeof v === 'number' && v >= r.min && v <= r.max) {
            raw.push(v); fractions.push((v - r.min) / (r.max - r.min)); tops[r.max] = true;
          }
        });
      });
      var barCell = row.querySelector('.alliance-bar-cell'), words = row.querySelector('.alliance-bar-words');
      barCell.textContent = '';
      if (!raw.length) { words.textContent = 'Not rated yet'; return; }
      var mean = raw.reduce(function (s, v) { return s + v; }, 0) / raw.length;
      var fraction = fractions.reduce(function (s, v) { return s + v; }, 0) / fractions.length;
      var scales = Object.keys(tops);
      var bar = document.createElement('span');
      bar.className = 'alliance-bar';
      bar.style.width = Math.round(100 * fraction) + '%';
      barCell.appendChild(bar);
      var level = scales.length === 1 ? mean.toFixed(1) + ' out of ' + scales[0] : Math.round(100 * fraction) + '% of the scale';
      words.textContent = level + ' (' + raw.length + ' of ' + total + ' statements rated)';
    });
  }

  // ---- The journal as Markdown, byte for byte as to_markdown() in alliance/journal.py. ----

  // Whatever the learner typed must read as typed in any Markdown viewer: never a link,
  // heading, rule, list, code, table or HTML. See to_markdown() for the rules.
  var PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
  var ALWAYS = '\\`*_[]{}#+=|~$^<>&', SOFT = '.:@';
  var ENTITIES = {'<': '&lt;', '>': '&gt;', '&': '&amp;', ' ': '&#32;', '\t': '&#9;'};

  function lineText(line) {
    line = line.replace(/[ \t]+$/, '');
    var rest = line.replace(/^[ \t]+/, '');
    var out = line.slice(0, line.length - rest.length).split('').map(function (c) { return ENTITIES[c]; }).join('');
    var digits = /^[0-9]*/.exec(rest)[0].length;
    var marker = digits && (rest[digits] === '.' || rest[digits] === ')') ? digits : -1;  // "1." or "1)"
    for (var n = 0; n < rest.length; n++) {
      var c = rest[n], following = n + 1 < rest.length ? rest[n + 1] : '';
      if (ALWAYS.indexOf(c) >= 0 || (n === 0 && PUNCTUATION.indexOf(c) >= 0) || n === marker ||
          (SOFT.indexOf(c) >= 0 && following !== '' && following !== ' ' && following !== '\t')) {
        out += ENTITIES[c] || '\\' + c;
      } else {
        out += c;
      }
    }
    return out;
  }

  function oneLine(text) { return splitLines(text).map(lineText).join(' '); }  // a title or a label

  function splitLines(text) {  // as Python's str.splitlines()
    if (text === '') return [];
    var lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
    if (/(\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])$/.test(text)) lines.pop();
    return lines;
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  function journalMarkdown(answers, day) {
    var out = ['# ' + JOURNAL_TITLE, '', 'Exported on ' + day + '. ' + PRIVACY_LINE, ''];
    var lesson = null, exercise = null;
    answers.filter(function (a) { return String(a.shown).trim() !== ''; }).forEach(function (a) {
      if (a.lesson !== lesson) { lesson = a.lesson; exercise = null; out.push('## ' + oneLine(a.lesson_title), ''); }
      if (a.exercise !== exercise) { exercise = a.exercise; out.push('### ' + oneLine(a.exercise_title), ''); }
      out.push('**' + oneLine(a.label) + '**', '');
      splitLines(String(a.shown)).forEach(function (line) {
        var text = lineText(line);
        out.push(text ? '> ' + text : '>');
      });
      out.push('');
    });
    if (out.length === 4) out.push('_No answers yet._', '');
    return out.join('\n');
  }

  // ---- Download and clear. ----

  function download() {
    var day = today();
    var blob = new Blob([journalMarkdown(allAnswers(), day)], {type: 'text/markdown;charset=utf-8'});
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'reflective-journal-' + day + '.md';
    document.body.appendChild(link);
    link.click();
    link.remove();
    status(store ? 'Your answers from every lesson were saved as ' + link.download + '.'
      : 'This browser keeps no answers, so the download holds only what the page could keep.');
  }

  function clear() {
    var answers = allAnswers();
    if (!window.confirm('Delete every answer from every lesson kept in this browser? This cannot be undone. ' +
        'Files you downloaded are not touched.')) {
      status('Nothing was deleted.');
      return;
    }
    answers.forEach(function (a) { store.removeItem(PREFIX + a.lesson + ':' + a.exercise + ':' + a.field); });
    try { window.sessionStorage.setItem('alliance:cleared', String(answers.length)); } catch (e) { /* no message then */ }
    window.location.reload();  // the exercises start again, empty
  }

  function wireButtons(root) {
    root.querySelectorAll('.alliance-download').forEach(function (b) { b.addEventListener('click', download); });
    root.querySelectorAll('.alliance-clear').forEach(function (b) { b.addEventListener('click', clear); });
  }

  function addExportButtons(card) {
    if (card.querySelector('.alliance-answer-button')) return;
    var holder = document.createElement('div');
    ['Download my answers', 'Clear my answers'].forEach(function (label, n) {
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = label;
      button.className = 'alliance-answer-button ' + (n ? 'alliance-clear' : 'alliance-download');
      holder.appendChild(button);
    });
    card.appendChild(holder);
    wireButtons(holder);
  }

  // ---- Start: bind each exercise as soon as the widget renderer has drawn it. ----

  function scan() {
    improve(document);
    page.exercises.forEach(function (exercise) {
      var card = document.querySelector('.alliance-id-' + exercise.id);
      if (card && !card.dataset.allianceBound && ready(card, exercise)) bind(card, exercise);
    });
    document.querySelectorAll('.alliance-journal-export').forEach(addExportButtons);
    if (document.querySelector('.alliance-profile-source') && !document.body.dataset.allianceProfile) {
      document.body.dataset.allianceProfile = 'true';
      drawProfile();
    }
    var bound = page.exercises.every(function (e) {
      var card = document.querySelector('.alliance-id-' + e.id);
      return card && card.dataset.allianceBound;
    });
    if (bound) document.body.dataset.allianceReady = 'true';
  }

  function contents() {
    var nav = document.querySelector('.alliance-contents');
    var list = nav && nav.querySelector('ol');
    if (!list) return;
    // The lesson's sections, and in the facilitator edition its facilitator notes, in order.
    var notes = 0;
    document.querySelectorAll('main .jp-MarkdownCell h2[id], main .celltag_facilitator').forEach(function (el) {
      var target = el, text;
      if (el.tagName === 'H2') {
        text = el.textContent.replace(/¶$/, '').trim();
      } else {
        var strong = el.querySelector('strong');
        if (!strong) return;
        notes += 1;
        target.id = target.id || 'facilitator-note-' + notes;
        text = strong.textContent.trim();
      }
      var item = document.createElement('li');
      if (el.tagName !== 'H2') item.className = 'alliance-contents-note';
      var link = document.createElement('a');
      link.href = '#' + target.id;
      link.textContent = text;
      item.appendChild(link);
      list.appendChild(item);
    });
    nav.hidden = !list.children.length;
  }

  document.addEventListener('DOMContentLoaded', function () {
    contents();
    wireButtons(document.querySelector('.alliance-answers'));
    if (!store) {
      document.querySelectorAll('.alliance-storage-notice').forEach(function (el) { el.hidden = false; });
    } else {
      var cleared = null;
      try { cleared = window.sessionStorage.getItem('alliance:cleared'); window.sessionStorage.removeItem('alliance:cleared'); } catch (e) { /* none */ }
      if (cleared !== null) status('Deleted ' + cleared + ' answer(s) from this browser.');
      window.addEventListener('storage', drawProfile);  // another lesson's tab saved a rating
    }
    new MutationObserver(scan).observe(document.body, {childList: true, subtree: true});
    scan();
  });

  window.allianceJournal = {markdown: journalMarkdown, answers: allAnswers};  // for the browser tests
})();
