/* Vitrina sandbox page behaviour. Our own code, no dependencies; CSP-friendly like app.js
   (no inline handlers, no eval). Listeners sit on `document`, so chats swapped in by htmx or
   over SSE work unchanged.
   - Chats (.messages) scroll to the newest message when they change, unless the reader has
     scrolled up to read older ones.
   - A "typing…" (.typing-slot) clears itself after 5 s or when the chat changes; a toast
     (.toast) after 4 s.
   - The composer and the attach form empty themselves after a successful send.
   - A person picker (select[data-autosubmit]) switches on change.
   - A refused action (4xx) that names where its message goes (HX-Retarget) is shown there;
     htmx would otherwise drop error responses (it is still an error: the form keeps its text). */
(function () {
  'use strict';

  var TYPING_MS = 5000;
  var TOAST_MS = 4000;
  var timers = typeof WeakMap === 'function' ? new WeakMap() : null;

  function later(el, ms, fn) {
    if (!timers) { setTimeout(fn, ms); return; }
    var old = timers.get(el);
    if (old) clearTimeout(old);
    timers.set(el, setTimeout(fn, ms));
  }

  function nearBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  function toBottom(el) {
    el.scrollTop = el.scrollHeight;
  }

  // Whether each chat was at the bottom just before a swap.
  var stuck = typeof WeakMap === 'function' ? new WeakMap() : null;

  document.addEventListener('htmx:beforeSwap', function (event) {
    var d = event.detail;
    var xhr = d && d.xhr;
    if (xhr && xhr.status >= 400 && xhr.getResponseHeader('HX-Retarget')) {
      d.shouldSwap = true;
    }
    var target = d && d.target;
    if (stuck && target && target.classList && target.classList.contains('messages')) {
      stuck.set(target, nearBottom(target));
    }
  });

  function settled(target) {
    if (!target || !target.classList) return;
    if (target.classList.contains('messages')) {
      if (!stuck || stuck.get(target) !== false) toBottom(target);
      var pane = target.closest('.pane');
      var typing = pane && pane.querySelector('.typing-slot');
      if (typing) typing.textContent = '';
    } else if (target.classList.contains('typing-slot')) {
      later(target, TYPING_MS, function () { target.textContent = ''; });
    } else if (target.classList.contains('toasts')) {
      var toasts = target.querySelectorAll('.toast:not([data-timed])');
      Array.prototype.forEach.call(toasts, function (toast) {
        toast.setAttribute('data-timed', '1');
        setTimeout(function () { toast.remove(); }, TOAST_MS);
      });
    }
  }

  document.addEventListener('htmx:sseBeforeMessage', function (event) {
    var target = event.target;
    if (stuck && target && target.classList && target.classList.contains('messages')) {
      stuck.set(target, nearBottom(target));
    }
  });

  document.addEventListener('htmx:afterSettle', function (event) {
    settled(event.detail && event.detail.target);
  });
  // The SSE extension swaps without the request events; it fires htmx:sseMessage on the
  // element after swapping.
  document.addEventListener('htmx:sseMessage', function (event) {
    settled(event.target);
  });

  document.addEventListener('htmx:afterRequest', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !event.detail || !event.detail.successful) return;
    if (form.classList.contains('composer') || form.classList.contains('attach-form')) {
      form.reset();
      var box = form.closest('details');
      if (box) box.open = false;
      var text = form.querySelector('input[name="text"]');
      if (text) text.focus();
    }
    if (form.classList.contains('open-link')) form.reset();
  });

  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) {
      el.form.submit();
    }
  });

  // A photo that loads after its chat was swapped in makes the chat taller: keep the
  // newest message in view unless the reader scrolled up.
  document.addEventListener('load', function (event) {
    var img = event.target;
    if (!(img instanceof HTMLImageElement)) return;
    var chat = img.closest('.messages');
    if (chat && (!stuck || stuck.get(chat) !== false)) toBottom(chat);
  }, true);

  function start() {
    document.querySelectorAll('.messages').forEach(toBottom);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
