// The /metrics endpoint on METRICS_LISTEN (HOST:PORT). Anything else is 404; a scrape that fails is a 500 with
// one line, never a crash of the process it reports on.
import { createServer, type Server } from 'node:http';
import { EnvironmentError } from '../errors.js';
import type { PortsentinelMetrics } from './registry.js';

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[([0-9A-Fa-f:.]+)\]|[^:]+):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) {
    throw new EnvironmentError(`METRICS_LISTEN "${text}" is not HOST:PORT; write one such as 127.0.0.1:9613`);
  }
  return { host: m[2] ?? m[1], port: Number(m[3]) };
}

export async function serveMetrics(metrics: PortsentinelMetrics, listen: string): Promise<Server> {
  const { host, port } = parseListen(listen);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('only /metrics here\n');
      return;
    }
    metrics.registry
      .metrics()
      .then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text))
      .catch((err: Error) => res.writeHead(500).end(`metrics unavailable: ${err.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new EnvironmentError(
          `METRICS_LISTEN ${listen} cannot be listened on (${err.code}); pick a free address`,
          'E_METRICS_LISTEN',
          err,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return server;
}
