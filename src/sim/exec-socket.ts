/**
 * pods/exec over WebSocket, the channel protocol kubectl (1.30+) and client-node speak: the
 * subprotocol `v5.channel.k8s.io` or `v4.channel.k8s.io`, binary frames whose first byte is the
 * channel (1 stdout, 2 stderr, 3 status), and a metav1.Status JSON on channel 3 before the close
 * (Success, or Failure / NonZeroExitCode with the exit code as a cause). Requests that cannot run
 * (unknown container, container not running, no subprotocol) are refused before the upgrade with
 * a Status, as the API server does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError } from './api-error.js';
import type { BehaviourBook } from './behaviour-book.js';
import { answerExec, type ExecResult } from './exec-commands.js';
import type { Pod } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import type { ObjectStore } from './object-store.js';
import { containerStatus } from './pod-status.js';

const SUPPORTED = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const POD = { resource: 'pods', group: '' };

function frame(channel: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.from(text, 'utf8')]);
}

function statusFor(command: string[], result: ExecResult): Record<string, unknown> {
  if (result.startError) {
    return { metadata: {}, status: 'Failure', message: `Internal error occurred: error executing command in container: ${result.startError}`, reason: 'InternalError', details: { causes: [{ message: result.startError }] }, code: 500 };
  }
  if (result.exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}

/** Writes a plain HTTP error response on a socket that will not be upgraded. */
export function refuseUpgrade(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus());
  const reason = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[error.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${error.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export class ExecSocket {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => SUPPORTED.find((p) => protocols.has(p)) ?? false,
  });

  constructor(
    private readonly store: ObjectStore,
    private readonly kubelet: Pick<Kubelet, 'memoryOf'>,
    private readonly behaviours: BehaviourBook,
  ) {}

  /** Validates the exec request and upgrades it, or throws the ApiError to refuse it with. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, podName: string, query: URLSearchParams): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!SUPPORTED.some((p) => offered.includes(p))) {
      throw ApiError.badRequest(`exec needs one of the WebSocket subprotocols ${SUPPORTED.join(', ')}; SPDY is not simulated`);
    }
    const pod = this.store.get<Pod>('Pod', namespace, podName);
    if (!pod) throw ApiError.notFound(POD, podName);
    const command = query.getAll('command');
    if (command.length === 0) throw ApiError.badRequest('you must specify at least 1 command');
    const all = [...(pod.spec.initContainers ?? []).map((c) => c.name), ...pod.spec.containers.map((c) => c.name)];
    let container = query.get('container') ?? undefined;
    if (!container) {
      if (pod.spec.containers.length !== 1) {
        throw ApiError.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}] or one of the init containers: [${(pod.spec.initContainers ?? []).map((c) => c.name).join(' ')}]`);
      }
      container = pod.spec.containers[0]?.name ?? '';
    }
    if (!all.includes(container)) throw ApiError.badRequest(`container ${container} is not valid for pod ${podName}`);
    const memory = this.kubelet.memoryOf(namespace, podName, container);
    if (!memory) {
      const init = (pod.spec.initContainers ?? []).some((c) => c.name === container);
      const state = containerStatus(pod, init, container)?.state;
      const why = state?.waiting ? `is waiting to start: ${state.waiting.reason ?? 'ContainerCreating'}` : state?.terminated ? `has terminated (${state.terminated.reason ?? 'exit'})` : 'is not running';
      throw ApiError.badRequest(`container "${container}" in pod "${podName}" ${why}`);
    }
    const answers = this.behaviours.forPod(pod, this.store, container).exec;
    const result = answerExec(command, { podName, containerName: container, memory, answers });
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('message', () => undefined); // stdin and resize frames are read and ignored: commands are read-only
      if (result.stdout && query.get('stdout') !== 'false') ws.send(frame(1, result.stdout));
      if (result.stderr && query.get('stderr') !== 'false') ws.send(frame(2, result.stderr));
      ws.send(frame(3, JSON.stringify(statusFor(command, result))));
      ws.close(1000);
    });
  }

  /** Drops every open exec connection (simulator shutdown). */
  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
