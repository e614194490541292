// Settings for coi-serviceworker.js, loaded next; boot.js loads both only where the page is not
// cross-origin isolated. On a host that cannot send COOP/COEP headers (GitHub Pages), it
// registers a service worker that adds them and reloads the page once, after which the page is
// cross-origin isolated and loads the threaded module. JavaScript because a service worker can
// only be registered from a script. The guard allows one reload per tab session, so a browser
// that will not isolate the page gets the single-threaded build instead of a reload loop.
window.coi = {
  quiet: true,
  doReload: () => {
    if (sessionStorage.getItem('corescope-coi-reloaded')) return;
    sessionStorage.setItem('corescope-coi-reloaded', '1');
    // Reload once the worker is active. The library asks on "updatefound", while the worker
    // still installs: a reload then could load the page before the worker serves it, and the
    // page stayed without isolation (measured here: 2 first visits in 12).
    navigator.serviceWorker.ready.then(() => window.location.reload());
  },
};
