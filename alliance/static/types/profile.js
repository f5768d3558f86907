/* The closing lesson's chart of relationship-skills self-ratings (exercises/profile.py),
   drawn from the ratings this browser has kept, one row per lesson's skills rating. */
(function () {
  'use strict';
  var parts = window.AllianceTypes = window.AllianceTypes || {};

  function draw(api) {
    var source = document.querySelector('.alliance-profile-source');
    if (!source) return;
    var rows = {};
    JSON.parse(source.dataset.ratings).forEach(function (r) { rows[r.row] = r; });
    var values = api.values();
    document.querySelectorAll('.alliance-profile-chart tr[data-row]').forEach(function (row) {
      var r = rows[row.dataset.row], raw = [];
      if (!r) return;
      r.fields.forEach(function (f) {
        var v = values[r.lesson + ':' + r.exercise + ':' + f];
        if (typeof v === 'number' && v >= r.min && v <= r.max) raw.push(v);
      });
      var barCell = row.querySelector('.alliance-bar-cell'), words = row.querySelector('.alliance-bar-words');
      barCell.textContent = '';
      if (!raw.length) { words.textContent = 'Not rated yet'; return; }
      var mean = raw.reduce(function (s, v) { return s + v; }, 0) / raw.length;
      var bar = document.createElement('span');
      bar.className = 'alliance-bar';
      bar.style.width = Math.round(100 * (mean - r.min) / (r.max - r.min)) + '%';
      barCell.appendChild(bar);
      words.textContent = mean.toFixed(1) + ' out of ' + r.max + ' (' + raw.length + ' of ' + r.fields.length + ' statements rated)';
    });
  }

  parts.profile = {
    ready: function () { return true; },  // it keeps nothing of its own
    scan: function (api) {
      if (document.querySelector('.alliance-profile-source') && !document.body.dataset.allianceProfile) {
        document.body.dataset.allianceProfile = 'true';
        draw(api);
      }
    },
    anyChange: draw
  };
})();
