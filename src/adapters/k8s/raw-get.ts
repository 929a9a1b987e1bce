import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ProxyResponse } from '../../core/ports.js';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * A GET to the API server with the kubeconfig's credentials, answering any status with its body.
 * Used for the pod proxy, whose answers are the app's, not Kubernetes objects, and for the
 * watch's list, which is too big for client-node's models (kube-cluster.ts, followPods).
 */
export async function rawGet(kc: KubeConfig, path: string, timeoutMs: number, limits: { accept?: string; maxBytes?: number } = {}): Promise<ProxyResponse> {
  const server = kc.getCurrentCluster()?.server ?? '';
  const url = new URL(path, server);
  const maxBytes = limits.maxBytes ?? MAX_BODY_BYTES;
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: limits.accept ?? '*/*' } };
  await kc.applyToHTTPSOptions(options);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { ...options, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy(new Error(`the answer is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}
