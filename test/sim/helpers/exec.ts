/** pods/exec over the v5 channel protocol, raw: stdout, stderr and the final Status, or the HTTP refusal. */
import WebSocket from 'ws';

export type ExecOutcome = { ok: true; stdout: string; stderr: string; status: { status: string } } | { ok: false; httpStatus: number; body: string };

export function execRaw(base: string, namespace: string, pod: string, container: string, command: string[]): Promise<ExecOutcome> {
  const query = [`container=${container}`, 'stdout=true', 'stderr=true', ...command.map((c) => `command=${encodeURIComponent(c)}`)].join('&');
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/namespaces/${namespace}/pods/${pod}/exec?${query}`, ['v5.channel.k8s.io']);
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let status = { status: '' };
    ws.on('message', (data: Buffer) => {
      const text = data.subarray(1).toString();
      if (data[0] === 1) stdout += text;
      else if (data[0] === 2) stderr += text;
      else if (data[0] === 3) status = JSON.parse(text) as { status: string };
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ ok: false, httpStatus: res.statusCode ?? 0, body }));
    });
    ws.on('close', () => resolve({ ok: true, stdout, stderr, status }));
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}
