import { detectGitopsOwner, type GitopsTool, type OwnerMarkers } from '../../../src/core/rules/detect-gitops-owner.js';

const argoTracking = { 'argocd.argoproj.io/tracking-id': 'shop-prod:apps/Deployment:shop/orders-api' };
const fluxKs = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
const fluxHr = { 'helm.toolkit.fluxcd.io/name': 'checkout', 'helm.toolkit.fluxcd.io/namespace': 'shop' };
const helmLabels = { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'checkout' };
const helmAnnotations = { 'meta.helm.sh/release-name': 'checkout', 'meta.helm.sh/release-namespace': 'shop' };

describe('who owns the workload', () => {
  test.each<[string, OwnerMarkers, GitopsTool, string, boolean, string[]]>([
    ['Argo CD by tracking annotation', { annotations: argoTracking }, 'argo-cd', 'Argo CD application shop-prod', true, []],
    ['Argo CD by its instance label', { labels: { 'argocd.argoproj.io/instance': 'shop-prod' } }, 'argo-cd', 'Argo CD application shop-prod', true, []],
    ['Argo CD, an application in another namespace', { annotations: { 'argocd.argoproj.io/tracking-id': 'team-a_shop-prod:apps/Deployment:shop/orders-api' } }, 'argo-cd', 'Argo CD application team-a/shop-prod', true, []],
    ['Argo CD, a core-group resource', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop-prod:/ConfigMap:shop/settings' } }, 'argo-cd', 'Argo CD application shop-prod', true, []],
    ['Flux Kustomization', { labels: fluxKs }, 'flux', 'Flux Kustomization flux-system/apps', true, []],
    ['Flux Kustomization without its namespace label', { labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } }, 'flux', 'Flux Kustomization apps', true, []],
    ['Flux Kustomization with reconcile disabled', { labels: fluxKs, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } }, 'flux', 'Flux Kustomization flux-system/apps', false, []],
    ['Flux HelmRelease', { labels: fluxHr }, 'flux', 'Flux HelmRelease shop/checkout', true, []],
    ['plain Helm', { labels: helmLabels, annotations: helmAnnotations }, 'helm', 'Helm release shop/checkout', false, []],
    ['Helm by annotation only', { annotations: { 'meta.helm.sh/release-name': 'checkout' } }, 'helm', 'Helm release checkout', false, []],
    ['Helm by label only: the name from app.kubernetes.io/instance', { labels: helmLabels }, 'helm', 'Helm release checkout (name from app.kubernetes.io/instance)', false, []],
    ['Helm by label only, no instance', { labels: { 'app.kubernetes.io/managed-by': 'Helm' } }, 'helm', 'Helm release (name unknown: no meta.helm.sh/release-name annotation)', false, []],
    ['a Flux-managed Helm release: Flux syncs', { labels: { ...fluxHr, ...helmLabels }, annotations: helmAnnotations }, 'flux', 'Flux HelmRelease shop/checkout', true, ['Helm release shop/checkout']],
    ['Argo CD rendering a Helm chart: Argo CD syncs', { labels: helmLabels, annotations: argoTracking }, 'argo-cd', 'Argo CD application shop-prod', true, ['Helm release checkout (name from app.kubernetes.io/instance)']],
    ['Argo CD and Flux markers: Flux first, Argo CD named', { labels: fluxKs, annotations: argoTracking }, 'flux', 'Flux Kustomization flux-system/apps', true, ['Argo CD application shop-prod']],
  ])('%s', (_case, markers, tool, source, reverts, also) => {
    const owner = detectGitopsOwner(markers);
    expect(owner).toMatchObject({ tool, source, revertsLiveEdits: reverts, alsoMatched: also });
    expect(owner?.followUp).toContain(source);
    expect(owner?.followUp).toMatch(/^Change the memory limit .*\.$/);
  });

  test('the sentences, once in full', () => {
    expect(detectGitopsOwner({ labels: fluxKs })).toEqual({
      tool: 'flux',
      source: 'Flux Kustomization flux-system/apps',
      revertsLiveEdits: true,
      revertsWhen: 'kustomize-controller corrects drift on every reconcile (its spec.interval, minutes), unless the Kustomization is suspended',
      followUp: 'Change the memory limit in the Git path that Flux Kustomization flux-system/apps applies (its spec.sourceRef and spec.path) and let it reconcile; until then the live patch is a temporary mitigation.',
      alsoMatched: [],
    });
  });
});

describe('no owner', () => {
  test.each<[string, unknown]>([
    ['no markers', {}],
    ['unrelated labels', { labels: { app: 'orders-api', 'pod-template-hash': '7d9f8b6c5d' } }],
    ["app.kubernetes.io/instance alone is not Argo CD's (Helm charts write it too)", { labels: { 'app.kubernetes.io/instance': 'shop-prod' } }],
    ['managed-by something else', { labels: { 'app.kubernetes.io/managed-by': 'kustomize' } }],
    ['a malformed tracking id', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop-prod' } }],
    ['a tracking id with a bad group/kind', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop-prod:Deployment:shop/orders-api' } }],
    ['empty values', { labels: { 'argocd.argoproj.io/instance': '', 'kustomize.toolkit.fluxcd.io/name': '  ' } }],
    ['values that are not strings', { labels: { 'argocd.argoproj.io/instance': 7, 'helm.toolkit.fluxcd.io/name': { a: 1 } } }],
    ['labels that are not an object', { labels: 'argocd', annotations: ['meta.helm.sh/release-name'] }],
    ['null', null],
  ])('%s', (_case, markers) => {
    expect(detectGitopsOwner(markers as OwnerMarkers)).toBeNull();
  });

  test('a malformed tracking id falls back to the instance label', () => {
    expect(detectGitopsOwner({ labels: { 'argocd.argoproj.io/instance': 'shop-prod' }, annotations: { 'argocd.argoproj.io/tracking-id': 'garbage' } })?.source).toBe('Argo CD application shop-prod');
  });
});
