/* Check-in page: add the phone's position to the form when the browser gives it (Permissions-Policy allows
   geolocation on this page only); without it the check-in is sent as is. */
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var sent = false;
  form.addEventListener("submit", function (ev) {
    if (sent) return;
    ev.preventDefault();
    var go = function () { sent = true; form.submit(); };
    if (!navigator.geolocation) { go(); return; }
    document.getElementById("loc-hint").textContent = "正在获取位置……";
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("lng").value = p.coords.longitude.toFixed(6);
      go();
    }, go, {timeout: 5000, maximumAge: 60000});
  });
})();
