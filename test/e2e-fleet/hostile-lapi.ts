// A tiny hostile stand-in for the Local API, run as its own process: each decision stream request gets the next
// answer of a fixed list (bad JSON, a body cut short, a body far over any bound, then a usable one, which it
// repeats). Usage: node hostile-lapi.js PORT
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
let served = 0;

const good = JSON.stringify({
  new: [
    { id: 1, origin: 'cscli', scenario: 'good', scope: 'Ip', type: 'ban', value: '198.51.100.99', duration: '1h' },
    { id: 2, origin: 'cscli', scenario: 'x', scope: 'Country', type: 'ban', value: 'FR', duration: '1h' },
    { id: 3, origin: 'cscli', scenario: 'x', scope: 'Ip', type: 'captcha', value: '198.51.100.98', duration: '1h' },
    { id: 4, origin: 'cscli', scenario: 'x', scope: 'Ip', type: 'ban', value: '198.51.100.999', duration: '1h' },
    { id: 5, origin: 'cscli', scenario: 'x', scope: 'Ip', type: 'ban', value: '198.51.100.97', duration: 'forever' },
    'not a decision',
  ],
  deleted: null,
});

createServer((req, res) => {
  if (!req.url?.startsWith('/v1/decisions/stream')) {
    res.writeHead(404).end();
    return;
  }
  const n = served++;
  res.on('error', () => undefined);
  if (n === 0) {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"new": [{"id": 1, "value": ');
  } else if (n === 1) {
    // Promises 100000 bytes, sends 20, hangs up.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    res.write('{"new":[{"id":1,"val');
    setTimeout(() => res.socket?.destroy(), 50);
  } else if (n === 2) {
    // No length announced, and far more than any bound: 1 MiB chunks until the client hangs up.
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1 << 20, 0x20);
    res.write('{"new":[');
    const more = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', more);
    };
    more();
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end(served === 4 ? good : '{"new":null,"deleted":null}');
  }
}).listen(port, '127.0.0.1');
