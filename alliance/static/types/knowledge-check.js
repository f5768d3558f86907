/* Knowledge checks (exercises/knowledge_check.py): a single answer is a radio group the core
   reads as its option's text; a "tick all that apply" answer is the ticked options' texts.
   "Check my answers" works out the score from the page's answer key, keeps it with the
   answers, says it, and opens the explanations. */
(function () {
  'use strict';
  var parts = window.AllianceTypes = window.AllianceTypes || {};

  function boxes(el) { return Array.prototype.slice.call(el.querySelectorAll('input[type=checkbox]')); }

  function boxText(box) { return (box.closest('label') || box.parentElement).textContent.trim(); }

  function isMultiple(el) { return !el.querySelector('input[type=radio]') && boxes(el).length > 0; }

  function scoreText(score, total, earlier) {
    return (earlier ? 'Last time you checked, you answered ' : 'You answered ') + score + ' of ' + total +
      ' questions correctly.' + (earlier ? '' : ' The explanations are open below.');
  }

  function isRight(question, answer) {
    if (question.kind === 'multiple') {
      return Array.isArray(answer) && answer.slice().sort().join('\n') === question.correct.slice().sort().join('\n');
    }
    return answer === question.correct[0];
  }

  parts['knowledge-check'] = {
    read: function (el, field, generic) {
      if (!isMultiple(el)) return generic(el, field);
      return boxes(el).filter(function (b) { return b.checked; }).map(boxText);
    },
    write: function (el, field, value, generic) {
      if (!isMultiple(el)) return generic(el, field, value);
      if (!Array.isArray(value)) return;
      boxes(el).forEach(function (b) { if (b.checked !== (value.indexOf(boxText(b)) >= 0)) b.click(); });
    },
    ready: function (card, exercise, hasControl) {
      return !!card.querySelector('.alliance-check-answers') && !!card.querySelector('.alliance-score p') &&
        !!card.querySelector('.alliance-explanations .jupyter-widget-Collapse-header') && exercise.fields.every(function (field) {
        return field.name === 'score' || hasControl(card, field);
      });
    },
    wire: function (card, exercise, api) {
      var result = card.querySelector('.alliance-score p') || card.querySelector('.alliance-score');
      var scoreField = exercise.fields.filter(function (f) { return f.name === 'score'; })[0];
      var total = exercise.questions.length;
      var before = api.saved(exercise, scoreField);
      if (typeof before === 'number') result.textContent = scoreText(before, total, true);
      card.querySelector('.alliance-check-answers').addEventListener('click', function () {
        var score = exercise.questions.filter(function (question) {
          var field = exercise.fields.filter(function (f) { return f.name === question.id; })[0];
          return isRight(question, api.read(exercise, card, field));
        }).length;
        api.save(card, exercise, scoreField, score);
        result.textContent = scoreText(score, total, false);
        var header = card.querySelector('.alliance-explanations .jupyter-widget-Collapse-header');
        if (header && !header.parentElement.classList.contains('jupyter-widget-Collapse-open')) header.click();
      });
    }
  };
})();
