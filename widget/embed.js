/*! ChatSupport loader — draws the chat launcher and, on first open, the chat iframe.
 * Usage: <script src="https://HOST/embed.js" data-bot="PUBLIC_KEY" async></script>
 * No framework, no cookies. The widget itself lives in the iframe; where the browser blocks
 * its storage (third-party storage blocked), this page keeps the visitor's id and open
 * conversation for it — only after the visitor's first message, and hands them back only to
 * our own frame on our own origin. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__chatsupport) return;
  var bot = script.getAttribute("data-bot");
  if (!bot) {
    console.warn("ChatSupport: the embed script needs a data-bot attribute.");
    return;
  }
  var origin = new URL(script.src, location.href).origin;
  var api = (window.__chatsupport = { open: open, close: close });
  var host = document.createElement("div");
  host.setAttribute("data-chatsupport", "");
  // A shadow root keeps the host page's CSS away from the launcher (and ours from the page).
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" +
    ":host{all:initial}" +
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483646;min-width:var(--s,56px);height:var(--s,56px);border:0;" +
    "border-radius:calc(var(--s,56px)/2);background:var(--bg,#4f46e5);color:var(--fg,#fff);box-shadow:0 6px 20px rgba(0,0,0,.25);" +
    "cursor:pointer;display:flex;align-items:center;justify-content:center;gap:8px;padding:0 calc(var(--s,56px)/4);margin:0;" +
    "font:600 15px/1 system-ui,sans-serif}" +
    ".launcher[hidden],.launcher [hidden]{display:none}" +
    ".launcher:focus-visible{outline:3px solid #a5b4fc;outline-offset:3px}" +
    ".launcher svg{width:26px;height:26px;fill:currentColor;flex:none}" +
    ".launcher img{width:calc(var(--s,56px) - 16px);height:calc(var(--s,56px) - 16px);border-radius:50%;object-fit:cover}" +
    ".left .launcher,.left iframe{right:auto;left:20px}" +
    "iframe{position:fixed;right:20px;bottom:calc(var(--s,56px) + 32px);z-index:2147483647;width:380px;" +
    "height:min(600px,calc(100vh - var(--s,56px) - 52px));border:0;" +
    "border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.25);background:#fff;color-scheme:normal}" +
    "iframe[hidden]{display:none}" +
    "@media (max-width:480px){iframe,.left iframe{inset:0;width:100%;height:100%;border-radius:0}}" +
    "</style>" +
    '<div><button type="button" class="launcher" aria-label="Open chat" aria-expanded="false" hidden>' +
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>' +
    '<svg class="x" viewBox="0 0 24 24" aria-hidden="true" hidden><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"/></svg>' +
    "</button></div>";
  var box = root.querySelector("div");
  var button = root.querySelector("button");
  var closeIcon = root.querySelector(".x");
  var frame = null;
  var chatIcon = button.firstChild;

  // The visitor's identity for this bot, as the widget last handed it to us (this page view),
  // and in this site's own storage (later visits). Nothing is kept before the visitor writes.
  var KEY = "chatsupport:" + bot;
  var kept = null;
  function identity() {
    if (kept) return kept;
    try {
      var raw = localStorage.getItem(KEY);
      if (raw) kept = JSON.parse(raw);
    } catch (e) {}
    return kept;
  }
  function keep(given) {
    var text = function (v) { return typeof v === "string" ? v.slice(0, 200) : null; };
    kept = { visitor: text(given.visitor), conversation: text(given.conversation) };
    try { localStorage.setItem(KEY, JSON.stringify(kept)); } catch (e) {}
  }

  // The bot's launcher settings (from the ping's answer): position, colours, size, text, avatar.
  // Values go through the DOM and custom properties, never into markup.
  function draw(config) {
    var w = (config && config.widget) || {};
    var theme = w.theme || {};
    if (w.position === "bottom-left") box.className = "left";
    if (theme.primary_color) box.style.setProperty("--bg", theme.primary_color);
    if (theme.text_color) box.style.setProperty("--fg", theme.text_color);
    box.style.setProperty("--s", { small: "48px", large: "64px" }[w.size] || "56px");
    if (w.avatar_url) {
      var img = document.createElement("img");
      img.src = new URL(w.avatar_url, origin).href;
      img.alt = "";
      button.replaceChild(img, button.firstChild);
    }
    chatIcon = button.firstChild;
    if (w.button_text) {
      var label = document.createElement("span");
      label.textContent = w.button_text;
      button.appendChild(label);
    }
    button.hidden = false;
    if (w.auto_expand) open();
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = origin + "/widget/" + encodeURIComponent(bot);
      frame.title = "Chat";
      box.appendChild(frame);
    }
    var wasHidden = frame.hidden;
    frame.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-label", "Close chat");
    showIcon(true);
    // Into the composer: the widget focuses it when it starts, and again on each reopening.
    frame.focus();
    if (wasHidden && frame.contentWindow) frame.contentWindow.postMessage({ type: "chatsupport:focus" }, origin);
  }

  function close() {
    if (frame) frame.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", "Open chat");
    showIcon(false);
    button.focus();
  }

  // While open the launcher shows a close icon instead of its chat icon (or avatar).
  function showIcon(opened) {
    chatIcon.toggleAttribute("hidden", opened);
    closeIcon.toggleAttribute("hidden", !opened);
  }

  button.addEventListener("click", function () {
    if (frame && !frame.hidden) close();
    else open();
  });
  window.addEventListener("message", function (event) {
    // Only the widget frame, from our own origin, may drive the launcher.
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.type === "chatsupport:close") close();
    else if (data.type === "chatsupport:remember" && data.identity) keep(data.identity);
    else if (data.type === "chatsupport:hello") {
      frame.contentWindow.postMessage({ type: "chatsupport:identity", identity: identity() }, origin);
    }
  });

  // Tells the dashboard the install works (and counts a widget load) and fetches the launcher's
  // look; no cookies, no storage. When the site's widget loads for the month are used up, or
  // the key is unknown, no launcher is drawn. If the server cannot be reached, the default one.
  function ping() {
    try {
      fetch(origin + "/api/v1/widget/" + encodeURIComponent(bot) + "/detected", {
        method: "POST",
        keepalive: true,
        credentials: "omit",
      }).then(function (answer) {
        if (answer.ok) return answer.json().then(draw, function () { draw(); });
        host.remove();
        console.warn(answer.status === 402
          ? "ChatSupport: this site's widget loads for the month are used up."
          : "ChatSupport: no chat with the key " + bot + ".");
      }, function () { draw(); });
    } catch (e) { draw(); }
  }

  function mount() {
    document.body.appendChild(host);
    ping();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
