/** The labels and annotations of the workload (Deployment, StatefulSet, DaemonSet) itself. */
export interface OwnerMarkers {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export type GitopsTool = 'argo-cd' | 'flux' | 'helm';

export interface GitopsOwner {
  tool: GitopsTool;
  /** e.g. "Argo CD application shop-prod", "Flux Kustomization flux-system/apps", "Helm release shop/checkout". */
  source: string;
  /** Whether the owner may undo a live patch without anyone changing the source. */
  revertsLiveEdits: boolean;
  /** When it would, in one sentence. */
  revertsWhen: string;
  /** The exact source to change, in one sentence. */
  followUp: string;
  /** Other owners whose markers are also on the workload (e.g. the Helm release a Flux HelmRelease installs). */
  alsoMatched: string[];
}

type Markers = { labels: Record<string, string>; annotations: Record<string, string> };
type Candidate = Omit<GitopsOwner, 'alsoMatched'>;

/** Only string values count: a hand-made object may carry anything. */
function strings(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string' && v.trim() !== '')) as Record<string, string>;
}

const MITIGATION = 'until then the live patch is a temporary mitigation';

/**
 * Argo CD's tracking annotation, `<application>:<group>/<kind>:<namespace>/<name>`, parsed as
 * argo-cd util/argo/resource_tracking.go ParseAppInstanceValue does (split on the first two ':',
 * then each part on '/' into exactly two). An application outside Argo CD's own namespace is
 * written `<namespace>_<name>`; application names cannot contain '_', so it splits cleanly.
 */
function argoApplication(m: Markers): string | null {
  const tracking = m.annotations['argocd.argoproj.io/tracking-id'];
  if (tracking) {
    const [app, groupKind, ...rest] = tracking.split(':');
    const nsName = rest.join(':');
    if (app && groupKind?.split('/').length === 2 && nsName.split('/').length === 2) return app.replace('_', '/');
  }
  // A custom tracking label; app.kubernetes.io/instance (Argo CD's default label) is also written
  // by Helm charts, so on its own it does not prove Argo CD.
  return m.labels['argocd.argoproj.io/instance'] ?? null;
}

function argo(m: Markers): Candidate | null {
  const app = argoApplication(m);
  if (!app) return null;
  const source = `Argo CD application ${app}`;
  return {
    tool: 'argo-cd',
    source,
    revertsLiveEdits: true,
    revertsWhen: 'with automated sync and selfHeal Argo CD reverts the patch as soon as it sees the drift; without selfHeal the next sync does (the application shows OutOfSync until then)',
    followUp: `Change the memory limit where ${source} reads it (the manifest or Helm values in its Git source) and let it sync; ${MITIGATION}.`,
  };
}

function fluxName(m: Markers, group: 'kustomize' | 'helm'): string | null {
  const name = m.labels[`${group}.toolkit.fluxcd.io/name`];
  const namespace = m.labels[`${group}.toolkit.fluxcd.io/namespace`];
  if (!name) return null;
  return namespace ? `${namespace}/${name}` : name;
}

function fluxHelmRelease(m: Markers): Candidate | null {
  const name = fluxName(m, 'helm');
  if (!name) return null;
  const source = `Flux HelmRelease ${name}`;
  return {
    tool: 'flux',
    source,
    // Drift detection is off by default since Flux 2.2; the HelmRelease cannot be seen from here, so assume the worst.
    revertsLiveEdits: true,
    revertsWhen: "with drift detection on (spec.driftDetection.mode: enabled) helm-controller reverts it at the next reconcile; otherwise the next upgrade of the release does",
    followUp: `Change the memory limit in the values of ${source} (spec.values, or the ConfigMap or Secret in spec.valuesFrom, in Git) and let it reconcile; ${MITIGATION}.`,
  };
}

function fluxKustomization(m: Markers): Candidate | null {
  const name = fluxName(m, 'kustomize');
  if (!name) return null;
  const source = `Flux Kustomization ${name}`;
  const disabled = m.annotations['kustomize.toolkit.fluxcd.io/reconcile'] === 'disabled';
  return {
    tool: 'flux',
    source,
    revertsLiveEdits: !disabled,
    revertsWhen: disabled
      ? 'the workload carries kustomize.toolkit.fluxcd.io/reconcile: disabled, so Flux no longer applies it: the patch stays until that annotation is removed'
      : 'kustomize-controller corrects drift on every reconcile (its spec.interval, minutes), unless the Kustomization is suspended',
    followUp: `Change the memory limit in the Git path that ${source} applies (its spec.sourceRef and spec.path) and let it reconcile; ${MITIGATION}.`,
  };
}

function helm(m: Markers): Candidate | null {
  const release = m.annotations['meta.helm.sh/release-name'];
  const namespace = m.annotations['meta.helm.sh/release-namespace'];
  if (!release && m.labels['app.kubernetes.io/managed-by'] !== 'Helm') return null;
  const instance = m.labels['app.kubernetes.io/instance'];
  const name = release ? (namespace ? `${namespace}/${release}` : release) : instance ? `${instance} (name from app.kubernetes.io/instance)` : '(name unknown: no meta.helm.sh/release-name annotation)';
  const source = `Helm release ${name}`;
  return {
    tool: 'helm',
    source,
    revertsLiveEdits: false,
    revertsWhen: "plain Helm does not watch the cluster: the patch stays until the next helm upgrade or rollback of the release, which resets it to the chart's value",
    followUp: `Change the memory limit in the values ${source} is deployed with, so the next helm upgrade keeps it; ${MITIGATION}.`,
  };
}

/**
 * Who owns the workload's manifest, from the markers each tool writes on what it applies. When
 * several match, the one that actually applies the workload wins:
 * 1. Flux HelmRelease: helm-controller installs through the Helm SDK, so the Helm markers are
 *    expected beside it; Flux is what syncs.
 * 2. Flux Kustomization.
 * 3. Argo CD: it renders Helm charts with `helm template`, so a chart's managed-by: Helm label
 *    is expected beside it; Argo CD is what syncs.
 * 4. Helm on its own.
 * Argo CD and Flux markers together mean a migration left one tool's markers behind; Flux is
 * named first and Argo CD in `alsoMatched`, for the SRE to decide.
 */
export function detectGitopsOwner(markers: OwnerMarkers): GitopsOwner | null {
  const m: Markers = { labels: strings(markers?.labels), annotations: strings(markers?.annotations) };
  const found = [fluxHelmRelease(m), fluxKustomization(m), argo(m), helm(m)].filter((c): c is Candidate => c !== null);
  const [owner, ...others] = found;
  if (!owner) return null;
  return { ...owner, alsoMatched: others.map((o) => o.source) };
}
