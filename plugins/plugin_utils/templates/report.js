// Sort and filter the printers table, in the page itself: the report is opened from disk, offline.
(function () {
  'use strict';
  var table = document.getElementById('printers');
  if (!table) { return; }
  var body = table.tBodies[0];
  var titles = table.tHead.rows[0].cells;
  var inputs = Array.prototype.slice.call(table.tHead.querySelectorAll('tr.filters input'));
  var shown = document.getElementById('shown-count');
  var stateColumn = -1;
  // Ties keep the report's own order (problems first, then host), whatever was clicked before.
  var written = new Map(Array.prototype.map.call(body.rows, function (row, index) { return [row, index]; }));
  var groupFilter = '';

  Array.prototype.forEach.call(table.querySelectorAll('col'), function (col, index) {
    if (col.classList.contains('state')) { stateColumn = index; }
  });

  function value(row, index) {
    var cell = row.cells[index];
    return cell ? (cell.getAttribute('data-sort') || cell.textContent).trim() : '';
  }

  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== '' && b !== '' && !isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, undefined, {numeric: true, sensitivity: 'base'});
  }

  function sortBy(index) {
    var descending = titles[index].getAttribute('aria-sort') === 'ascending';
    Array.prototype.forEach.call(titles, function (title) { title.removeAttribute('aria-sort'); });
    titles[index].setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var order = compare(value(a, index), value(b, index));
      return (descending ? -order : order) || written.get(a) - written.get(b);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  // A filter matches the cell's text, case aside; "=text" matches the whole text only.
  function matches(row, index, wanted) {
    var text = (row.cells[index] ? row.cells[index].textContent : '').trim().toLowerCase();
    if (wanted.charAt(0) === '=') { return text === wanted.slice(1); }
    return text.indexOf(wanted) !== -1;
  }

  function filter() {
    var count = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var visible = inputs.every(function (input) {
        var wanted = input.value.trim().toLowerCase();
        return !wanted || matches(row, Number(input.getAttribute('data-column')), wanted);
      });
      if (visible && groupFilter) {
        visible = (' ' + (row.querySelector('td.host') || row).getAttribute('data-groups') + ' ').indexOf(' ' + groupFilter + ' ') !== -1;
      }
      row.hidden = !visible;
      count += visible ? 1 : 0;
    });
    if (shown) { shown.textContent = count + ' of ' + body.rows.length + ' printer(s) shown.'; }
  }

  Array.prototype.forEach.call(titles, function (title, index) {
    title.tabIndex = 0;
    title.title = 'Sort by ' + title.textContent;
    title.addEventListener('click', function () { sortBy(index); });
    title.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(index); }
    });
  });
  inputs.forEach(function (input) { input.addEventListener('input', filter); });
  // A state of the picture shows its printers only (a state of a group: that group's).
  Array.prototype.forEach.call(document.querySelectorAll('a.segment'), function (segment) {
    segment.addEventListener('click', function () {
      if (stateColumn >= 0) {
        inputs.forEach(function (input) { input.value = ''; });
        inputs[stateColumn].value = '=' + segment.getAttribute('data-state');
      }
      groupFilter = segment.getAttribute('data-group') || '';
      filter();
    });
  });
  filter();
}());
