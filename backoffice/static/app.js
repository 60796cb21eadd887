/* Vitrina backoffice behaviour. Our own code, no dependencies.
   CSP-friendly: no inline handlers, no eval; styles change only through the CSSOM
   (element.style.setProperty), which `style-src 'self'` allows. Load with
   <script src="/static/app.js?v=…" defer></script>. Every hook is a data attribute, and
   listeners are delegated from `document`, so content swapped in by htmx works unchanged. */
(function () {
  'use strict';

  var MUTE_KEY = 'vitrina.mute';

  function elementOf(target) {
    return target instanceof Element ? target : null;
  }

  /* ---- (a) Verification queue shortcuts ---------------------------------------------- */

  var lastIndex = -1;
  var lastCount = 0;

  function isTyping(target) {
    var el = elementOf(target);
    return el !== null &&
      el.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])') !== null;
  }

  function queueItems() {
    return Array.prototype.filter.call(document.querySelectorAll('[data-queue-item]'), function (el) {
      return el.getClientRects().length > 0;
    });
  }

  function currentItem(items) {
    var active = elementOf(document.activeElement);
    var focused = active ? active.closest('[data-queue-item]') : null;
    if (focused && items.indexOf(focused) >= 0) return focused;
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute('aria-current') === 'true') return items[i];
    }
    return null;
  }

  function selectItem(items, index) {
    var item = items[index];
    document.querySelectorAll('[data-queue-item][aria-current]').forEach(function (el) {
      el.removeAttribute('aria-current');
    });
    item.setAttribute('aria-current', 'true');
    if (!item.hasAttribute('tabindex')) item.setAttribute('tabindex', '-1');
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: 'nearest' });
    lastIndex = index;
    lastCount = items.length;
  }

  function move(items, step) {
    var current = currentItem(items);
    var index;
    if (current) {
      index = items.indexOf(current) + step;
    } else if (lastIndex >= 0 && items.length < lastCount) {
      // The selected item was removed (verified or rejected): its successor took its place.
      index = step > 0 ? lastIndex : lastIndex - 1;
    } else {
      index = 0;
    }
    selectItem(items, Math.max(0, Math.min(items.length - 1, index)));
  }

  function toggleShortcuts(show) {
    var panel = document.getElementById('shortcuts');
    if (!panel) return false;
    panel.hidden = show === undefined ? !panel.hidden : !show;
    return true;
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target)) return;

    if (event.key === '?') {
      if (toggleShortcuts()) event.preventDefault();
      return;
    }
    if (event.key === 'Escape') {
      var panel = document.getElementById('shortcuts');
      if (panel && !panel.hidden) toggleShortcuts(false);
      return;
    }

    var items = queueItems();
    if (items.length === 0) return;
    var item;

    switch (event.key) {
      case 'j':
      case 'k':
        event.preventDefault();
        move(items, event.key === 'j' ? 1 : -1);
        break;
      case 'v':
        item = currentItem(items);
        var verify = item && item.querySelector('[data-action="verify"]');
        if (verify && !verify.disabled) {
          event.preventDefault();
          verify.click();
        }
        break;
      case 'r':
        item = currentItem(items);
        var reason = item && item.querySelector(
          '[data-reject-reason], textarea[name="reason"], input[name="reason"]');
        if (reason) {
          // preventDefault keeps the "r" itself out of the field that is about to get focus.
          event.preventDefault();
          var details = reason.closest('details');
          if (details) details.open = true;
          reason.focus();
        }
        break;
    }
  });

  /* ---- (b) Receipt viewer ------------------------------------------------------------- */

  var ZOOM_STEP = 1.25;
  var ZOOM_MIN = 0.25;
  var ZOOM_MAX = 8;

  function readVar(el, name, fallback) {
    var value = parseFloat(el.style.getPropertyValue(name) || getComputedStyle(el).getPropertyValue(name));
    return isFinite(value) ? value : fallback;
  }

  function adjustViewer(viewer, control) {
    var zoom = readVar(viewer, '--zoom', 1);
    var rotate = readVar(viewer, '--rotate', 0);
    if (control.hasAttribute('data-zoom-in')) zoom *= ZOOM_STEP;
    if (control.hasAttribute('data-zoom-out')) zoom /= ZOOM_STEP;
    if (control.hasAttribute('data-rotate')) {
      var step = parseFloat(control.getAttribute('data-rotate'));
      rotate += isFinite(step) ? step : 90;
    }
    if (control.hasAttribute('data-zoom-reset')) {
      zoom = 1;
      rotate = 0;
    }
    zoom = Math.round(Math.max(ZOOM_MIN, Math.min(ZOOM_MAX, zoom)) * 1000) / 1000;
    viewer.style.setProperty('--zoom', String(zoom));
    viewer.style.setProperty('--rotate', rotate + 'deg');
    // A quarter turn swaps the image's width and height; app.css sizes the margins from --ratio.
    viewer.style.setProperty('--quarter', Math.abs(Math.round(rotate / 90)) % 2 === 1 ? '1' : '0');
    viewer.querySelectorAll('img').forEach(function (img) {
      if (img.naturalWidth > 0) img.style.setProperty('--ratio', String(img.naturalHeight / img.naturalWidth));
    });
    var level = viewer.querySelector('[data-zoom-level]');
    if (level) level.textContent = Math.round(zoom * 100) + '%';
  }

  /* ---- (c) New-receipt sound and notification ---------------------------------------- */

  function isMuted() {
    try {
      return window.localStorage.getItem(MUTE_KEY) === '1';
    } catch (e) {
      return false;
    }
  }

  function setMuted(muted) {
    try {
      if (muted) window.localStorage.setItem(MUTE_KEY, '1');
      else window.localStorage.removeItem(MUTE_KEY);
    } catch (e) { /* storage unavailable: the toggle just does nothing */ }
    syncControls();
  }

  var audioContext = null;

  function audio() {
    if (audioContext) return audioContext;
    var Ctor = window.AudioContext || window.webkitAudioContext;
    if (!Ctor) return null;
    try {
      audioContext = new Ctor();
    } catch (e) {
      return null;
    }
    return audioContext;
  }

  // Browsers start an AudioContext suspended until the page has had a user gesture; resume it
  // on the first one so that a beep triggered later by an SSE message is audible.
  function unlockAudio() {
    var ctx = audio();
    if (!ctx || ctx.state !== 'suspended') {
      stopUnlocking();
      return;
    }
    ctx.resume().then(stopUnlocking, function () {});
  }
  function stopUnlocking() {
    document.removeEventListener('pointerdown', unlockAudio, true);
    document.removeEventListener('keydown', unlockAudio, true);
  }
  document.addEventListener('pointerdown', unlockAudio, true);
  document.addEventListener('keydown', unlockAudio, true);

  function beep() {
    var ctx = audio();
    if (!ctx) return;
    if (ctx.state === 'suspended') ctx.resume().catch(function () {});
    var now = ctx.currentTime;
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(880, now);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.25);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(now);
    osc.stop(now + 0.3);
  }

  function notify() {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    var data = document.body ? document.body.dataset : {};
    try {
      var n = new Notification(data.notifyTitle || 'New payment receipt', {
        body: data.notifyBody || 'A receipt is waiting for verification.',
        tag: 'vitrina-receipt'
      });
      n.addEventListener('click', function () {
        window.focus();
        n.close();
      });
    } catch (e) { /* e.g. Chrome on Android only allows service-worker notifications */ }
  }

  // One SSE message reaches every element that listens for it (sse-swap and/or
  // hx-trigger="sse:receipt"); htmx passes the same MessageEvent as detail each time.
  var seen = typeof WeakSet === 'function' ? new WeakSet() : null;

  document.addEventListener('htmx:sseMessage', function (event) {
    var message = event.detail;
    if (!message || message.type !== 'receipt') return;
    if (seen && typeof message === 'object') {
      if (seen.has(message)) return;
      seen.add(message);
    }
    if (isMuted()) return;
    beep();
    notify();
  });

  /* ---- (d) Notification permission, and the click hooks of (b)-(d) ------------------- */

  function requestNotifications() {
    if (!('Notification' in window)) return;
    try {
      Promise.resolve(Notification.requestPermission()).then(syncControls, syncControls);
    } catch (e) {
      syncControls();
    }
  }

  function syncControls() {
    var pressed = String(isMuted());
    document.querySelectorAll('[data-mute-toggle]').forEach(function (button) {
      button.setAttribute('aria-pressed', pressed);
    });
    var permission = 'Notification' in window ? Notification.permission : 'unsupported';
    document.querySelectorAll('[data-request-notifications]').forEach(function (button) {
      button.setAttribute('data-permission', permission);
      button.disabled = permission !== 'default';
    });
  }

  document.addEventListener('click', function (event) {
    var target = elementOf(event.target);
    if (!target) return;

    var control = target.closest('[data-zoom-in], [data-zoom-out], [data-rotate], [data-zoom-reset]');
    var viewer = control && control.closest('[data-viewer]');
    if (viewer) {
      event.preventDefault();
      adjustViewer(viewer, control);
      return;
    }
    if (target.closest('[data-mute-toggle]')) {
      event.preventDefault();
      setMuted(!isMuted());
      return;
    }
    if (target.closest('[data-request-notifications]')) {
      event.preventDefault();
      unlockAudio();
      requestNotifications();
    }
  });

  window.addEventListener('storage', function (event) {
    if (event.key === MUTE_KEY) syncControls();
  });
  document.addEventListener('htmx:load', syncControls);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', syncControls);
  else syncControls();
})();
