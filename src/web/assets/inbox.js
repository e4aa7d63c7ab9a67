// The inbox refreshes itself every 30 seconds without losing the nurse's place: the list is
// replaced only while nothing in it has the focus, and the page does not scroll. Without
// this script the page works the same; a reload refreshes it.
(function () {
  'use strict';
  var box = document.getElementById('inbox');
  if (!box || !window.fetch) { return; }
  // The list is not a live region (its times change every minute): the status line above
  // it is, and it changes only when the number waiting does.
  var status = document.getElementById('inbox-waiting');
  setInterval(function () {
    if (box.contains(document.activeElement)) { return; }
    fetch('/inbox/list', { credentials: 'same-origin', redirect: 'manual' })
      .then(function (r) {
        if (r.ok) { return r.text(); }
        // Signed out (the session ended): the page itself goes to the sign-in.
        window.location.reload();
        return null;
      })
      .then(function (html) {
        if (html === null) { return; }
        box.innerHTML = html;
        var list = document.getElementById('inbox-list');
        var waiting = list && list.getAttribute('data-waiting');
        if (status && waiting && status.textContent !== waiting) { status.textContent = waiting; }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }, 30000);
}());
