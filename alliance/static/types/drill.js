/* Practice drills (exercises/drill.py): each statement keeps every attempt and its
   self-ratings. "Save this attempt and try again" keeps the attempt in the boxes and
   empties them; the value kept is the earlier attempts plus the one in the boxes. */
(function () {
  'use strict';
  var parts = window.AllianceTypes = window.AllianceTypes || {};
  var LEVELS = ['beginner', 'intermediate', 'advanced'];

  function blank(a) {
    return !String(a.text || '').trim() && !(a.ratings || []).some(function (r) { return typeof r === 'number'; });
  }

  function ratingGroups(el) { return Array.prototype.slice.call(el.querySelectorAll('.alliance-drill-rating')); }

  function current(el) {
    return {
      text: el.querySelector('textarea').value,
      ratings: ratingGroups(el).map(function (group) {
        var radios = Array.prototype.slice.call(group.querySelectorAll('input[type=radio]'));
        var n = radios.findIndex(function (r) { return r.checked; });
        return n < 0 ? null : n;
      })
    };
  }

  function earlier(el) { return JSON.parse(el.dataset.allianceKept || '[]'); }

  // As attempts_shown() in alliance/exercises/base.py, word for word.
  function words(w, attempts) {
    return (Array.isArray(attempts) ? attempts : []).filter(function (a) {
      return a && typeof a === 'object' && !blank(a);
    }).map(function (a, n) {
      var rated = [];
      (a.ratings || []).forEach(function (r, i) {
        if (i < w.criteria.length && typeof r === 'number' && r >= 0 && r < w.ratings.length) rated.push(w.criteria[i] + ': ' + w.ratings[r]);
      });
      return 'Attempt ' + (n + 1) + ': ' + (a.text || '') + (rated.length ? '\nMy rating: ' + rated.join('; ') + '.' : '');
    }).join('\n\n');
  }

  function showCounts(card, exercise, api) {
    var practised = {}, totals = {};
    LEVELS.forEach(function (level) { practised[level] = 0; totals[level] = 0; });
    exercise.fields.forEach(function (field, n) {
      var el = api.fieldElement(card, field), level = exercise.levels[n];
      var attempts = earlier(el).concat([current(el)]).filter(function (a) { return !blank(a); });
      totals[level] += 1;
      if (attempts.length) practised[level] += 1;
      var count = el.querySelector('.alliance-drill-count');
      if (count) count.textContent = 'Attempts kept: ' + attempts.length;
    });
    var progress = card.querySelector('.alliance-drill-progress p');
    if (progress) {
      progress.textContent = 'Practised so far: ' + LEVELS.map(function (level) {
        return level + ' ' + practised[level] + ' of ' + totals[level];
      }).join(' · ');
    }
  }

  parts.drill = {
    // Ready once every statement's box, count and button are drawn, and the progress line.
    ready: function (card, exercise, hasControl) {
      return !!card.querySelector('.alliance-drill-progress p') && exercise.fields.every(function (field) {
        var el = card.querySelector('.alliance-field-' + field.name);
        return hasControl(card, field) && el.querySelector('.alliance-drill-count') && el.querySelector('.alliance-drill-again');
      });
    },
    read: function (el) { return earlier(el).concat([current(el)]); },
    write: function (el, field, value) {
      if (!Array.isArray(value) || !value.length) return;
      var attempts = value.filter(function (a) { return a && typeof a === 'object'; });
      el.dataset.allianceKept = JSON.stringify(attempts.slice(0, -1).filter(function (a) { return !blank(a); }));
      var last = attempts[attempts.length - 1] || {};
      var textarea = el.querySelector('textarea');
      textarea.value = String(last.text || '');
      textarea.dispatchEvent(new Event('input', {bubbles: true}));
      ratingGroups(el).forEach(function (group, i) {
        var r = (last.ratings || [])[i], radios = group.querySelectorAll('input[type=radio]');
        if (typeof r === 'number' && radios[r] && !radios[r].checked) radios[r].click();
      });
    },
    wire: function (card, exercise, api) {
      exercise.fields.forEach(function (field) {
        var el = api.fieldElement(card, field);
        var again = el.querySelector('.alliance-drill-again');
        if (!again) return;
        again.addEventListener('click', function () {
          var attempt = current(el);
          if (blank(attempt)) return;
          el.dataset.allianceKept = JSON.stringify(earlier(el).concat([attempt]));
          var textarea = el.querySelector('textarea');
          textarea.value = '';
          textarea.dispatchEvent(new Event('input', {bubbles: true}));
          el.querySelectorAll('.alliance-drill-rating input[type=radio]').forEach(function (r) { r.checked = false; });
          api.save(card, exercise, field, parts.drill.read(el));
          textarea.focus();  // the next attempt starts where the last one was typed
        });
      });
      showCounts(card, exercise, api);
    },
    saved: showCounts,
    words: {attempts: words}
  };
})();
