/* When a session ends (idle or absolute expiry, logout in another tab, account disabled), the
   server answers Dash's requests with 401. Dash itself would just stop updating; send the
   person to the login page instead, which says the session expired. Served from this app
   (script-src 'self'): no inline script needed. */
(function () {
  "use strict";
  var originalFetch = window.fetch;
  if (!originalFetch) {
    return;
  }
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && response.url.indexOf("/_dash-") !== -1) {
        window.location.assign("/login?expired=1");
      }
      return response;
    });
  };
})();
