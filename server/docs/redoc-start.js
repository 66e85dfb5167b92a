// Starts Redoc on the reference page. It is a file of its own, not an inline script, so the
// served page's CSP can allow scripts from the service only. What to render comes from the
// page's JSON data block: a spec URL (the service) or the spec itself (the static export).
(function start() {
  'use strict';
  var config = JSON.parse(document.getElementById('redoc-config').textContent);
  var container = document.getElementById('redoc-container');
  window.Redoc.init(config.specUrl || config.spec, config.options, container, function loaded(error) {
    document.documentElement.setAttribute('data-reference', error ? 'failed' : 'ready');
    if (error) console.error('The API reference could not be rendered:', error);
  });
})();
