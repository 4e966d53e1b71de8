// Count each code's time down and copy a code with one click, in the page itself (opened from disk, offline).
(function () {
  'use strict';
  function left(until) {
    var seconds = Math.floor((Date.parse(until) - Date.now()) / 1000);
    return isNaN(seconds) ? null : seconds;
  }
  function tick() {
    Array.prototype.forEach.call(document.querySelectorAll('.countdown'), function (counter) {
      var seconds = left(counter.getAttribute('data-until'));
      if (seconds === null) { counter.textContent = ''; return; }
      counter.setAttribute('data-seconds-left', String(Math.max(0, seconds)));
      if (seconds <= 0) {
        counter.textContent = 'expired';
        counter.classList.add('expired');
        return;
      }
      var minutes = Math.floor(seconds / 60);
      counter.textContent = 'in ' + minutes + ':' + String(seconds % 60).padStart(2, '0');
    });
  }
  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (button) {
    button.addEventListener('click', function () {
      var code = button.getAttribute('data-code');
      var shown = button.parentNode.querySelector('code');
      // Selected first: should the clipboard be refused, Ctrl+C still copies it.
      if (shown) { select(shown); }
      function copied() { button.textContent = 'Copied'; button.setAttribute('data-copied', 'true'); }
      function fallback() {
        try {
          if (document.execCommand('copy')) { copied(); return; }
        } catch (ignored) { /* the selection stays for Ctrl+C */ }
        button.textContent = 'Selected: press Ctrl+C';
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code).then(copied, fallback);
      } else {
        fallback();
      }
    });
  });
  tick();
  window.setInterval(tick, 1000);
}());
