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
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483646;min-width:var(--s,56px);height:var(--s,56px);border:0;" +
    "border-radius:calc(var(--s,56px)/2);background:var(--bg,#4f46e5);color:var(--fg,#fff);box-shadow:0 6px 20px rgba(0,0,0,.25);" +
    "cursor:pointer;display:flex;align-items:center;justify-content:center;gap:8px;padding:0 calc(var(--s,56px)/4);margin:0;" +
    "font:600 15px/1 system-ui,sans-serif}" +
    ".launcher[hidden]{display:none}" +
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
    "</button></div>";
  var box = root.querySelector("div");
  var button = root.querySelector("button");
  var frame = null;

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
