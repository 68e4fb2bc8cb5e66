// Express middleware: asks `defender-scan serve` (GET /api/check) about each
// request's client before the route runs. Banned clients get 403; others go
// on with req.threatScore (0-100) set. Keep-alive connections; a short
// timeout; fail-open by default (failOpen: false answers 503 instead while
// the service is unreachable).
//
//   const defender = require('./defender');
//   app.set('trust proxy', 'loopback');   // so req.ip is the client behind nginx
//   app.use(defender({ url: 'http://127.0.0.1:8080' }));
'use strict';
const http = require('http');

module.exports = function defender(options = {}) {
  const base = new URL(options.url || 'http://127.0.0.1:8080');
  const timeoutMs = options.timeoutMs || 300;
  const failOpen = options.failOpen !== false;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  return function defenderCheck(req, res, next) {
    let done = false;
    const finish = (fn) => { if (!done) { done = true; fn(); } };
    const unreachable = () => finish(() => (failOpen ? next() : res.status(503).json({ error: 'defender unavailable' })));
    let check;
    try {
      check = http.request({
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port || 80,
        path: '/api/check',
        method: 'GET',
        agent,
        headers: {
          'X-Real-IP': req.ip,
          'X-Original-URI': req.originalUrl,
          'X-Original-Method': req.method,
          'User-Agent': req.get('user-agent') || '',
        },
      }, (answer) => {
        answer.resume();
        req.threatScore = Number(answer.headers['x-threat-score'] || 0);
        if (answer.statusCode === 403) return finish(() => res.status(403).json({ error: 'Forbidden' }));
        if (answer.statusCode === 200) return finish(next);
        unreachable();
      });
    } catch (e) {  // a header Node refuses to send
      return unreachable();
    }
    check.setTimeout(timeoutMs, () => check.destroy(new Error('timeout')));
    check.on('error', unreachable);
    check.end();
  };
};
