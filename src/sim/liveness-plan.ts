/**
 * When a liveness probe that starts failing kills a container, as the kubelet's prober and
 * kuberuntime do it: the probe runs every periodSeconds (after initialDelaySeconds); from the
 * moment the program stops answering, each probe is an `Unhealthy` Warning ("Liveness probe failed:
 * ..."); at the failureThreshold-th failure in a row the kubelet records `Killing` ("Container app
 * failed liveness probe, will be restarted") and stops the container with the pod's grace period
 * (the probe's own terminationGracePeriodSeconds when set). The simulated programs, like a shell or
 * a server without a SIGTERM handler running as PID 1, ignore SIGTERM, so the runtime's SIGKILL at
 * the end of the grace period ends them: exit code 137, reason Error (not OOMKilled: no cgroup
 * OOM event). The restart then follows the usual back-off.
 */
import type { Container } from './k8s-types.js';

export interface LivenessPlan {
  /** Sim seconds after the start of each failing probe, up to and including the one that kills. */
  failures: number[];
  /** When the kubelet decides to kill (the last failure). */
  killAt: number;
  /** Sim seconds from the kill decision until SIGKILL ends the process. */
  graceSeconds: number;
  /** The Unhealthy event's message. */
  message: string;
}

interface Probe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
  httpGet?: { path?: string; port?: number | string };
  exec?: { command?: string[] };
}

/** What the prober reports for a failing probe (prober.go: "%s probe failed: %s"). */
function failureText(probe: Probe): string {
  if (probe.httpGet) return 'HTTP probe failed with statuscode: 500';
  const file = probe.exec?.command?.[1] ?? '/tmp/healthy';
  return `cat: can't open '${file}': No such file or directory`;
}

/** The plan for a container whose program stops answering `failsAfter` sim seconds after it starts. */
export function livenessPlan(container: Container, podGraceSeconds: number, failsAfter: number): LivenessPlan | undefined {
  const probe = container.livenessProbe as Probe | undefined;
  if (!probe) return undefined;
  const period = probe.periodSeconds ?? 10;
  const threshold = probe.failureThreshold ?? 3;
  const first = Math.max(failsAfter, probe.initialDelaySeconds ?? 0, period);
  const start = Math.ceil(first / period) * period;
  const failures = Array.from({ length: threshold }, (_, i) => start + i * period);
  return {
    failures,
    killAt: failures[failures.length - 1] as number,
    graceSeconds: probe.terminationGracePeriodSeconds ?? podGraceSeconds,
    message: `Liveness probe failed: ${failureText(probe)}`,
  };
}
