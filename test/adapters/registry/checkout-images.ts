import { OciLayout, type WrittenImage } from '../../support/registry/write-oci-layout.js';

export interface CheckoutImages {
  /** shop/checkout-migrate:1.4.2, linux/amd64, labels naming its Go version. */
  migrate: WrittenImage;
  /** shop/checkout-migrate:multi, an index of linux/arm64 and linux/amd64. */
  multi: { index: { digest: string }; amd64: WrittenImage; arm64: WrittenImage };
  /** shop/checkout-migrate:arm-only, an index without linux/amd64. */
  armOnly: { digest: string };
  /** shop/checkout-migrate:golang-base, built FROM golang: the Go version is in its environment. */
  golangBase: WrittenImage;
}

export const MIGRATE_LABELS = {
  'org.opencontainers.image.title': 'checkout-migrate',
  'org.opencontainers.image.version': '1.4.2',
  'org.opencontainers.image.source': 'https://git.example.com/shop/checkout',
  'go.version': 'go1.22.3',
};

/** Writes the test's images into an OCI layout at `dir`, tagged 1.4.2, multi, arm-only and golang-base. */
export function writeCheckoutImages(dir: string): CheckoutImages {
  const layout = new OciLayout(dir);
  const migrate = layout.image({
    config: {
      created: '2026-11-28T10:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: MIGRATE_LABELS, Entrypoint: ['/migrate'] },
      history: [{ created_by: 'COPY /etc/ssl/certs /etc/ssl/certs # buildkit' }, { created_by: 'COPY /out/migrate /migrate # buildkit' }],
    },
    layers: [
      { path: 'etc/ssl/certs/ca.pem', content: 'certificates\n'.repeat(40) },
      { path: 'migrate', content: 'a Go binary, much smaller than the real one\n'.repeat(200) },
    ],
  });
  layout.tag('1.4.2', [migrate]);

  const image = (architecture: string, variant?: string) =>
    layout.image({
      config: { created: '2026-11-29T10:00:00Z', architecture, ...(variant ? { variant } : {}), os: 'linux', config: { Labels: { 'org.golang.version': '1.23.1' } } },
      layers: [{ path: 'migrate', content: `${architecture} binary\n`.repeat(50) }],
    });
  const arm64 = image('arm64', 'v8');
  const amd64 = image('amd64');
  const index = layout.tag('multi', [arm64, amd64], [
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'linux', architecture: 'amd64' },
  ]);
  const armOnly = layout.tag('arm-only', [arm64], [{ os: 'linux', architecture: 'arm64', variant: 'v8' }]);

  const golangBase = layout.image({
    config: {
      created: '2026-11-30T10:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/go/bin:/usr/bin', 'GOLANG_VERSION=1.21.5', 'GOPATH=/go'] },
      history: [{ created_by: 'ENV GOLANG_VERSION=1.21.5' }, { created_by: 'RUN go build -o /migrate ./cmd/migrate # buildkit' }],
    },
    layers: [{ path: 'usr/local/go/VERSION', content: 'go1.21.5\n' }],
  });
  layout.tag('golang-base', [golangBase]);
  return { migrate, multi: { index, amd64, arm64 }, armOnly, golangBase };
}
