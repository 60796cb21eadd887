/* Vitrina: live streams end with their page. Our own code, no dependencies; loaded after the
   htmx SSE extension by every page with a live stream (the staff pages and the sandbox).
   A page that is left closes its stream: a browser allows only a handful of connections to one
   host, and a page kept in the back-forward cache would go on holding its stream until every
   request stalled. Coming back to such a page reloads it, which opens a fresh stream. */
(function () {
  'use strict';

  window.addEventListener('pagehide', function () {
    var d = document.body && document.body['htmx-internal-data'];
    if (d && d.sseEventSource) d.sseEventSource.close();
  });
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) location.reload();
  });
})();
