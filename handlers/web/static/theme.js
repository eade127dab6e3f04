// Inside Telegram, paint the pages in the chat's theme colours (kept for the tab's lifetime).
(function () {
  "use strict";
  var key = "cchc-theme";
  var params = new URLSearchParams(window.location.hash.slice(1));
  var raw = params.get("tgWebAppThemeParams");
  try {
    if (raw) { window.sessionStorage.setItem(key, raw); } else { raw = window.sessionStorage.getItem(key); }
    if (!raw) { return; }
    var theme = JSON.parse(raw);
    Object.keys(theme).forEach(function (name) {
      var value = String(theme[name]);
      if (/^#[0-9a-fA-F]{3,8}$/.test(value) && /^[a-z_]+$/.test(name)) {
        document.documentElement.style.setProperty("--tg-theme-" + name.replace(/_/g, "-"), value);
      }
    });
  } catch (error) { /* no theme: the default colours stay */ }
})();
