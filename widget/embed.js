/*! ChatSupport loader — draws the chat launcher and, on first open, the chat iframe.
 * Usage: <script src="https://HOST/embed.js" data-bot="PUBLIC_KEY" async></script>
 * No framework, no cookies, no storage: the widget itself lives in the iframe. */
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
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483646;width:56px;height:56px;border:0;border-radius:50%;" +
    "background:#4f46e5;color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);cursor:pointer;display:grid;place-items:center;padding:0;margin:0}" +
    ".launcher:focus-visible{outline:3px solid #a5b4fc;outline-offset:3px}" +
    ".launcher svg{width:26px;height:26px;fill:currentColor}" +
    "iframe{position:fixed;right:20px;bottom:88px;z-index:2147483647;width:380px;height:min(600px,calc(100vh - 108px));border:0;" +
    "border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.25);background:#fff;color-scheme:normal}" +
    "iframe[hidden]{display:none}" +
    "@media (max-width:480px){iframe{inset:0;width:100%;height:100%;border-radius:0}}" +
    "</style>" +
    '<button type="button" class="launcher" aria-label="Open chat" aria-expanded="false">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>' +
    "</button>";
  var button = root.querySelector("button");
  var frame = null;

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = origin + "/widget/" + encodeURIComponent(bot);
      frame.title = "Chat";
      root.appendChild(frame);
    }
    frame.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-label", "Close chat");
  }

  function close() {
    if (frame) frame.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", "Open chat");
    button.focus();
  }

  button.addEventListener("click", function () {
    if (frame && !frame.hidden) close();
    else open();
  });
  window.addEventListener("message", function (event) {
    // Only the widget frame, from our own origin, may drive the launcher.
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    if (event.data && event.data.type === "chatsupport:close") close();
  });

  // Tells the dashboard the install works (and counts a widget load); no cookies, no storage.
  // When the site's widget loads for the month are used up, the launcher goes away.
  function ping() {
    try {
      fetch(origin + "/api/v1/widget/" + encodeURIComponent(bot) + "/detected", {
        method: "POST",
        keepalive: true,
        credentials: "omit",
      }).then(function (answer) {
        if (answer.status === 402) {
          host.remove();
          console.warn("ChatSupport: this site's widget loads for the month are used up.");
        }
      }, function () {});
    } catch (e) {}
  }

  function mount() {
    document.body.appendChild(host);
    ping();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
