/**
 * pods/proxy: `GET /api/v1/namespaces/NS/pods/NAME[:PORT]/proxy/PATH` forwarded to the HTTP
 * endpoints the scenario gives each container. A pod's containers share one network namespace, so
 * a port belongs to whichever container's process listens on it now: a container listens only while
 * it runs (and once its server is up, `listenAfterSeconds` after the start). Nobody listening is the
 * API server's dial failure, 503 `error trying to reach service: dial tcp IP:PORT: connect:
 * connection refused` (apimachinery util/proxy/transport.go); a listener that does not serve the
 * path answers Go's plain-text 404. The endpoints: image-info, health (which answers 500 once the
 * program's liveness failure begins, `livenessFailsAfterSeconds`), and Go's expvar (expvar-vars.ts).
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import type { BehaviourBook, ContainerBehaviour } from './behaviour-book.js';
import type { Pod } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import type { ObjectStore } from './object-store.js';
import type { ScaledTimers } from './scaled-timers.js';
import { expvarBody } from './expvar-vars.js';

interface Target {
  pod: string;
  port?: number;
}

/** `pod`, `pod:8080`, `http:pod:8080` or `https:pod:8443`. */
function parseTarget(nameWithPort: string): Target {
  const parts = nameWithPort.split(':');
  if (parts.length === 3) return { pod: parts[1] ?? '', port: Number(parts[2]) };
  if (parts.length === 2 && (parts[0] === 'http' || parts[0] === 'https')) return { pod: parts[1] ?? '' };
  if (parts.length === 2) return { pod: parts[0] ?? '', port: Number(parts[1]) };
  return { pod: nameWithPort };
}

function reply(res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function serves(b: ContainerBehaviour, path: string): boolean {
  const http = b.http;
  if (!http) return false;
  return (
    (http.imageInfo !== undefined && path === http.imageInfoPath) ||
    (http.health !== undefined && path === http.healthPath) ||
    (http.expvar !== undefined && path === http.expvarPath)
  );
}

export class PodProxy {
  constructor(
    private readonly store: ObjectStore,
    private readonly behaviours: BehaviourBook,
    private readonly timers: ScaledTimers,
    private readonly kubelet: Pick<Kubelet, 'processAge' | 'memoryOf'>,
  ) {}

  /** The pod name inside `nameWithPort`, for authorization before anything else. */
  static podName(nameWithPort: string): string {
    return parseTarget(nameWithPort).pod;
  }

  /** Whether the container's process runs and its server has started listening. */
  private listening(namespace: string, pod: string, container: string, behaviour: ContainerBehaviour): boolean {
    const age = this.kubelet.processAge(namespace, pod, container);
    return age !== undefined && age >= (behaviour.http?.listenAfterSeconds ?? 0);
  }

  serve(res: ServerResponse, namespace: string, nameWithPort: string, rawPath: string): void {
    const target = parseTarget(nameWithPort);
    const pod = this.store.get<Pod>('Pod', namespace, target.pod);
    if (!pod) throw ApiError.notFound({ resource: 'pods', group: '' }, target.pod);
    const port = target.port ?? pod.spec.containers.find((c) => c.ports?.length)?.ports?.[0]?.containerPort;
    if (port === undefined || !Number.isInteger(port)) throw ApiError.badRequest(`invalid port in "${nameWithPort}"`);
    if (!pod.status.podIP) throw ApiError.serviceUnavailable(`pod ${target.pod} has no IP address yet (phase ${pod.status.phase})`);
    const path = `/${rawPath}`;
    const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
    const listener = names
      .map((name) => ({ name, behaviour: this.behaviours.forPod(pod, this.store, name) }))
      .find((c) => c.behaviour.http?.port === port && this.listening(namespace, target.pod, c.name, c.behaviour));
    if (!listener) {
      throw ApiError.serviceUnavailable(`error trying to reach service: dial tcp ${pod.status.podIP}:${port}: connect: connection refused`);
    }
    if (!serves(listener.behaviour, path)) return reply(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    const http = listener.behaviour.http as NonNullable<ContainerBehaviour['http']>;
    if (path === http.imageInfoPath && http.imageInfo !== undefined) {
      if (http.imageInfo === 'malformed') return reply(res, 200, 'application/json', '{"layers":[{"digest":"sha256:3bc801a3');
      return reply(res, 200, 'application/json', JSON.stringify(http.imageInfo));
    }
    if (path === http.expvarPath && http.expvar !== undefined) {
      const memory = this.kubelet.memoryOf(namespace, target.pod, listener.name);
      if (!memory) throw ApiError.serviceUnavailable(`error trying to reach service: dial tcp ${pod.status.podIP}:${port}: connect: connection refused`);
      const body = expvarBody({ usageBytes: memory.rssBytes, ageSeconds: memory.ageSeconds, heapShare: http.expvar.heapShare, process: memory.process, nowMs: Date.now() });
      return reply(res, 200, 'application/json; charset=utf-8', body);
    }
    const age = this.kubelet.processAge(namespace, target.pod, listener.name) ?? 0;
    const hung = listener.behaviour.livenessFailsAfterSeconds !== undefined && age >= listener.behaviour.livenessFailsAfterSeconds;
    if (http.health === 'failing' || hung) return reply(res, 500, 'text/plain; charset=utf-8', 'unhealthy: dependency check failed\n');
    if (http.health === 'slow') {
      const cancel = this.timers.afterMs(http.healthDelaySeconds * 1000, () => reply(res, 200, 'text/plain; charset=utf-8', 'ok\n'));
      res.on('close', cancel);
      return;
    }
    reply(res, 200, 'text/plain; charset=utf-8', 'ok\n');
  }
}
