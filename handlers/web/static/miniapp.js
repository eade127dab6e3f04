// The Mini App entry: post Telegram's signed initData (from the launch URL) to the server.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.hash.slice(1));
  var initData = params.get("tgWebAppData");
  var form = document.getElementById("miniapp");
  if (!initData || !form) {
    var note = document.getElementById("miniapp-note");
    if (note) { note.textContent = "Không thấy dữ liệu đăng nhập của Telegram. Hãy mở trang này bằng nút của bot, hoặc gửi /web cho bot để nhận đường dẫn."; }
    return;
  }
  document.getElementById("init-data").value = initData;
  form.submit();
})();
