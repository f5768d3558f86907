/* Exported lesson pages, with no kernel: keep every answer in this browser's localStorage,
   restore it on reload, download all answers as the same Markdown `alliance journal export`
   writes, clear them after confirmation, draw the closing profile, and fill accessibility
   gaps in the widgets. Learner text is only ever set as text, never as HTML.

   Nothing is lost silently: a save that fails (storage full or switched off) is told beside
   the exercise and leaves no older copy behind to come back as if current; a download holds
   what is on the page even when storage keeps nothing; clearing cancels saves still pending;
   a damaged entry is skipped, counted and reported, never fatal.

   What is particular to one exercise type lives in its own small part in static/types/,
   as the Python registry has one class per type: a part may say how its fields are read
   and written, when its card is ready, what to wire up, and how its answers read in words.
   The build joins this file and the parts into the one alliance.js the pages load. */
(function () {
  'use strict';
  var PREFIX = 'alliance:answer:';
  var CLEARED = 'alliance:cleared';  // set for a moment, so other open lessons clear too
  var JOURNAL_TITLE = 'My reflective journal: the therapeutic relationship';
  var PRIVACY_LINE = 'These are my own reflections, exported from my private journal. ' +
    'I choose whether and with whom to share them.';
  var page = JSON.parse(document.getElementById('alliance-lesson').textContent);
  var PARTS = window.AllianceTypes = window.AllianceTypes || {};  // type name -> its part

  function part(exercise) { return PARTS[exercise.type] || {}; }

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

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  // ---- Answers, keyed by lesson, exercise and field, as in the journal. ----

  function key(exercise, field) { return PREFIX + page.lesson + ':' + exercise.id + ':' + field.name; }

  function shown(field, value) {
    var words = field.words || {kind: 'text'};
    if (value === null || value === undefined) return '';
    if (words.kind === 'scale') return value + ' of ' + words.max;
    if (words.kind === 'tick') return value ? 'Ticked' : 'Not ticked';
    if (words.kind === 'choice') return typeof value === 'string' ? value : String(words.options[value]);
    if (words.kind === 'answer') return Array.isArray(value) ? value.join('; ') : String(value);
    var own = Object.keys(PARTS).map(function (name) { return (PARTS[name].words || {})[words.kind]; })
      .filter(Boolean)[0];  // a kind of answer one type's part knows how to word
    return own ? own(words, value) : String(value);
  }

  function entry(exercise, field, value) {
    return {
      lesson: page.lesson, exercise: exercise.id, field: field.name, value: value,
      shown: shown(field, value), label: field.label, lesson_title: page.title,
      exercise_title: exercise.title, position: exercise.position, field_position: field.position,
      updated_at: new Date().toISOString()
    };
  }

  var TEXTS = ['lesson', 'exercise', 'field', 'shown', 'label', 'lesson_title', 'exercise_title', 'updated_at'];

  function wellFormed(e, k) {  // every field the journal has, kept under its own key
    return e !== null && typeof e === 'object' && !Array.isArray(e) &&
      TEXTS.every(function (name) { return typeof e[name] === 'string'; }) &&
      Number.isInteger(e.position) && Number.isInteger(e.field_position) &&
      Object.prototype.hasOwnProperty.call(e, 'value') &&
      k === PREFIX + e.lesson + ':' + e.exercise + ':' + e.field;
  }

  function parsed(k) {
    try {
      var e = JSON.parse(store.getItem(k));
      return wellFormed(e, k) ? e : null;
    } catch (err) { return null; }
  }

  function storedKeys() {
    var keys = [];
    if (!store) return keys;
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0 && k !== PREFIX + 'probe') keys.push(k);
    }
    return keys;
  }

  function sorted(answers) {
    function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
    return answers.sort(function (a, b) {
      return cmp(a.lesson, b.lesson) || a.position - b.position || cmp(a.exercise, b.exercise) ||
        a.field_position - b.field_position || cmp(a.field, b.field);
    });
  }

  // Every answer kept in this browser, from every lesson; damaged entries are counted, not read.
  function kept() {
    var answers = [], damaged = 0;
    storedKeys().forEach(function (k) {
      var e = parsed(k);
      if (e) answers.push(e); else damaged += 1;
    });
    return {answers: sorted(answers), damaged: damaged};
  }

  function allAnswers() { return kept().answers; }

  function saved(exercise, field) {
    if (!store) return undefined;
    var e = parsed(key(exercise, field));
    return e ? e.value : undefined;
  }

  // ---- Saving: after each change, told beside the exercise when it fails. ----

  var onPage = {};    // key -> the answer as it stands on this page, kept or not
  var pending = {};   // key -> {timer, run}: saves waiting for the control to settle
  var clearing = false;

  function problemElement(card) {
    var el = card.querySelector('.alliance-save-problem');
    if (!el) {
      el = document.createElement('p');
      el.className = 'alliance-save-problem';
      el.setAttribute('role', 'status');
      card.appendChild(el);
    }
    return el;
  }

  var failures = {};  // exercise id -> {field name: message}

  function tell(card, exercise, fieldName, message) {
    var failed = failures[exercise.id] = failures[exercise.id] || {};
    if (message) failed[fieldName] = message; else delete failed[fieldName];
    var el = problemElement(card);
    var names = Object.keys(failed);
    el.textContent = names.length ? failed[names[names.length - 1]] : '';
  }

  function save(card, exercise, field, value) {
    var k = key(exercise, field);
    var e = entry(exercise, field, value);
    onPage[k] = e;
    if (!store) return;
    try {
      store.setItem(k, JSON.stringify(e));
      tell(card, exercise, field.name, '');
    } catch (err) {
      var removed = true;
      try { store.removeItem(k); } catch (err2) { removed = false; }  // never a stale answer after a reload
      var full = err && (err.name === 'QuotaExceededError' || err.code === 22);
      tell(card, exercise, field.name, 'This answer could not be kept in this browser' +
        (full ? ' because its storage is full' : '') +
        (removed ? ', and the older copy was removed so it cannot come back by mistake. '
          : ', and an older copy may come back if you reload the page. ') +
        'Download your answers now, or ' +
        ((field.words || {kind: 'text'}).kind === 'text' ? 'copy this text somewhere safe.' : 'note your answer somewhere safe.'));
    }
    changed(card, exercise);
  }

  // After a save, and when another lesson's tab saved: the parts that show answers redraw.
  function changed(card, exercise) {
    if (card && part(exercise).saved) part(exercise).saved(card, exercise, api);
    Object.keys(PARTS).forEach(function (name) { if (PARTS[name].anyChange) PARTS[name].anyChange(api); });
  }

  function schedule(card, exercise, field, el) {
    if (clearing) return;
    var k = key(exercise, field);
    if (pending[k]) clearTimeout(pending[k].timer);
    var run = function () {
      delete pending[k];
      if (!clearing) save(card, exercise, field, read(exercise, el, field));
    };
    // The widget updates its control in the same event; read it once that has happened.
    pending[k] = {timer: setTimeout(run, 0), run: run};
  }

  function flushPending() {
    Object.keys(pending).forEach(function (k) {
      var p = pending[k];
      clearTimeout(p.timer);
      p.run();
    });
  }

  function cancelPending() {
    clearing = true;
    Object.keys(pending).forEach(function (k) { clearTimeout(pending[k].timer); delete pending[k]; });
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

  function read(exercise, el, field) { return (part(exercise).read || readValue)(el, field, readValue); }

  function write(exercise, el, field, value) { (part(exercise).write || writeValue)(el, field, value, writeValue); }

  function bind(card, exercise) {
    exercise.fields.forEach(function (field) {
      var el = fieldElement(card, field);
      if (!el) return;  // shown by the type's part (a knowledge check's score), not typed
      var value = saved(exercise, field);
      if (value !== undefined) write(exercise, el, field, value);
      var remember = function () { schedule(card, exercise, field, el); };
      el.addEventListener('input', remember);
      el.addEventListener('change', remember);
    });
    problemElement(card);  // an empty live region from the start, so a message is announced
    if (part(exercise).wire) part(exercise).wire(card, exercise, api);
    card.dataset.allianceBound = 'true';
  }

  function hasControl(card, field) {
    var el = fieldElement(card, field);
    return el && el.querySelector('textarea, input');
  }

  function ready(card, exercise) {
    if (part(exercise).ready) return part(exercise).ready(card, exercise, hasControl);
    return exercise.fields.every(function (field) { return hasControl(card, field); });
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

  // ---- What the parts may use. ----

  // Every answer's value by "lesson:exercise:field": kept in this browser, or on this page.
  function values() {
    var found = {};
    allAnswers().forEach(function (a) { found[a.lesson + ':' + a.exercise + ':' + a.field] = a.value; });
    Object.keys(onPage).forEach(function (k) { found[k.slice(PREFIX.length)] = onPage[k].value; });  // kept or not
    return found;
  }

  var api = {
    save: function (card, exercise, field, value) { save(card, exercise, field, value); },
    saved: saved,
    read: function (exercise, card, field) { return read(exercise, fieldElement(card, field), field); },
    values: values,
    fieldElement: fieldElement
  };

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

  // What to download: every answer kept in this browser, with this page's own answers as
  // they stand on the page (kept or not: storage may be full or switched off).
  function journalAnswers() {
    flushPending();
    var found = kept(), byKey = {};
    found.answers.forEach(function (a) { byKey[PREFIX + a.lesson + ':' + a.exercise + ':' + a.field] = a; });
    Object.keys(onPage).forEach(function (k) { byKey[k] = onPage[k]; });
    return {answers: sorted(Object.keys(byKey).map(function (k) { return byKey[k]; })), damaged: found.damaged};
  }

  function damagedNote(n) {
    return n ? ' ' + plural(n, 'damaged entry', 'damaged entries') + ' in this browser could not be read and ' +
      (n === 1 ? 'was' : 'were') + ' left out.' : '';
  }

  function download() {
    var day = today();
    var journal = journalAnswers();
    var blob = new Blob([journalMarkdown(journal.answers, day)], {type: 'text/markdown;charset=utf-8'});
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'reflective-journal-' + day + '.md';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
    status((store ? 'Your answers from every lesson were saved as ' + link.download + '.'
      : 'This browser keeps no answers, so ' + link.download + ' holds only the answers on this page.') +
      damagedNote(journal.damaged));
  }

  function clear() {
    if (!window.confirm('Delete every answer from every lesson kept in this browser? This cannot be undone. ' +
        'Files you downloaded are not touched.')) {
      status('Nothing was deleted.');
      return;
    }
    cancelPending();  // nothing typed before the click may be written back afterwards
    var found = kept(), removed = 0;
    storedKeys().forEach(function (k) {
      try { store.removeItem(k); removed += 1; } catch (e) { /* counted below */ }
    });
    var counts = {answers: found.answers.length, damaged: found.damaged, left: storedKeys().length, kept: !!store};
    try {
      store.setItem(CLEARED, String(Date.now()));  // other open lessons clear their pages too
      store.removeItem(CLEARED);
    } catch (e) { /* they keep nothing more, in any case */ }
    try { window.sessionStorage.setItem(CLEARED, JSON.stringify(counts)); } catch (e) { /* no message then */ }
    window.location.reload();  // the exercises start again, empty
  }

  function clearedMessage(counts) {
    if (!counts.kept) return 'This browser keeps no answers, so the page was simply emptied.';
    var message = 'Deleted ' + plural(counts.answers + counts.damaged, 'answer', 'answers') + ' from this browser' +
      (counts.damaged ? ', ' + counts.damaged + ' of them damaged.' : '.');
    if (counts.left) message += ' ' + plural(counts.left, 'answer', 'answers') + ' could not be deleted: please try again.';
    return message;
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
    Object.keys(PARTS).forEach(function (name) { if (PARTS[name].scan) PARTS[name].scan(api); });
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
    var cleared = null;
    try {
      cleared = JSON.parse(window.sessionStorage.getItem(CLEARED));
      window.sessionStorage.removeItem(CLEARED);
    } catch (e) { /* no message then */ }
    if (cleared && typeof cleared === 'object') status(clearedMessage(cleared));
    if (!store) {
      document.querySelectorAll('.alliance-storage-notice').forEach(function (el) { el.hidden = false; });
    } else {
      window.addEventListener('storage', function (event) {
        if (event.key === CLEARED && event.newValue !== null) {  // cleared in another lesson's tab
          cancelPending();
          window.location.reload();
        } else {
          changed();  // another lesson's tab saved an answer
        }
      });
    }
    // Classes too: a widget's own classes (a button's, say) are set just after it is drawn.
    // Leaving or reloading the page: answers typed a moment ago are kept, not dropped.
    window.addEventListener('pagehide', function () { if (!clearing) flushPending(); });
    new MutationObserver(scan).observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
    scan();
  });

  window.allianceJournal = {markdown: journalMarkdown, answers: allAnswers, kept: kept};  // for the browser tests
})();
