import { loadConfig } from '../src/config.js';
import { ErrorCode, type OomCheckError } from '../src/core/errors.js';

const slackEnv = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
  SLACK_APPROVERS: 'U012AB3CD, S0614TZR7',
};

function problemsOf(env: NodeJS.ProcessEnv, sections: Parameters<typeof loadConfig>[1]): string {
  try {
    loadConfig(env, sections);
  } catch (error) {
    expect((error as OomCheckError).code).toBe(ErrorCode.ConfigInvalid);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  test('applies the documented defaults', () => {
    const config = loadConfig({ ALERTMANAGER_INSECURE: 'true' }, ['store', 'log', 'server', 'cluster', 'runbook', 'alertmanager', 'schedule']);
    expect(config.store.dbPath).toBe('./data/oom-check.db');
    expect(config.server.port).toBe(3000);
    expect(config.log.level).toBe('info');
    expect(config.cluster).toEqual({ kubeconfig: null, context: null, clusters: null, namespaces: [], timeouts: { requestMs: 10_000, watchIdleMs: 30_000 } });
    expect(config.runbook.maxMemoryLimit).toBe('4Gi');
    expect(config.runbook.maxMemoryLimitBytes).toBe(4 * 1024 ** 3);
    expect(config.runbook.path).toMatch(/runbooks[/\\]oom-initcontainer\.yaml$/);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.alertmanager).toEqual({
      bearerToken: null,
      basicAuth: null,
      insecure: true,
      enabled: true,
      alertNames: ['KubeInitContainerOOMKilled', 'KubeContainerOOMKilled'],
      labels: { namespace: 'namespace', pod: 'pod', container: 'container', cluster: 'cluster' },
    });
    expect(config.schedule).toEqual({ sweep: '* * * * *', watch: true });
  });

  test('escalation and policies: the runbook says when, the environment whom; no policies file, nothing automatic', () => {
    expect(loadConfig({}, ['escalation', 'policies'])).toEqual({ escalation: { oncallGroup: null, enabled: true, remindAfterMs: null }, policies: { path: null, file: null } });
    expect(loadConfig({ SLACK_ONCALL_GROUP: 'S0ONCALL', OOM_CHECK_REMIND_AFTER: '90s' }, ['escalation']).escalation).toEqual({ oncallGroup: 'S0ONCALL', enabled: true, remindAfterMs: 90_000 });
    expect(loadConfig({ OOM_CHECK_REMIND_AFTER: 'off' }, ['escalation']).escalation).toMatchObject({ enabled: false });
    const message = problemsOf({ SLACK_ONCALL_GROUP: '#oncall', OOM_CHECK_POLICIES: '/nonexistent/policies.yaml' }, ['escalation', 'policies']);
    expect(message).toContain('SLACK_ONCALL_GROUP="#oncall" must be a Slack user-group ID (S…)');
    expect(message).toContain('OOM_CHECK_POLICIES="/nonexistent/policies.yaml" names a policies file that cannot be used: policies file /nonexistent/policies.yaml cannot be read (ENOENT)');
  });

  test('reads every variable of a full Slack setup', () => {
    const config = loadConfig(
      {
        ...slackEnv,
        SLACK_API_URL: 'http://127.0.0.1:9999/api',
        SLACK_CHANNEL: 'C0INCIDENTS',
        OOM_CHECK_NAMESPACES: 'shop, billing',
        ALERTMANAGER_BASIC_AUTH: 'alertmanager:b4sic-p@ss:with-colon',
        ALERTMANAGER_BEARER_TOKEN: 's3cret-token',
        PORT: '8080',
      },
      ['slack', 'cluster', 'alertmanager', 'server'],
    );
    expect(config.slack).toEqual({
      botToken: 'xoxb-1-2-abc',
      signingSecret: slackEnv.SLACK_SIGNING_SECRET,
      appToken: null,
      socketMode: false,
      apiUrl: 'http://127.0.0.1:9999/api/',
      channel: 'C0INCIDENTS',
      approvers: ['U012AB3CD', 'S0614TZR7'],
      rateScale: 1,
      storm: { threshold: 5, windowMs: 300_000 },
    });
    expect(config.cluster.namespaces).toEqual(['shop', 'billing']);
    expect(config.alertmanager.basicAuth).toEqual({ user: 'alertmanager', password: 'b4sic-p@ss:with-colon' });
    expect(config.server.port).toBe(8080);
  });

  test('Socket Mode needs no signing secret', () => {
    const config = loadConfig({ ...slackEnv, SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-A1-xyz' }, ['slack']);
    expect(config.slack.socketMode).toBe(true);
    expect(config.slack.signingSecret).toBeNull();
  });

  test('the result is frozen all the way down', () => {
    const config = loadConfig(slackEnv, ['slack']);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.slack.approvers)).toBe(true);
    expect(() => (config.slack.approvers as string[]).push('U999')).toThrow();
  });

  test('lists every problem at once, with how to fix each, and never echoes a secret', () => {
    const message = problemsOf(
      {
        PORT: 'abc',
        LOG_LEVEL: 'loud',
        SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
        SLACK_APPROVERS: 'bob',
        SLACK_API_URL: 'ftp://slack',
        OOM_CHECK_MAX_MEMORY_LIMIT: '4GB',
        OOM_CHECK_NAMESPACES: 'Shop',
      },
      ['server', 'log', 'slack', 'runbook', 'cluster'],
    );
    expect(message).toMatch(/^oom-check: 8 configuration problems:/);
    expect(message).toContain('PORT="abc" must be a whole number from 0 to 65535, e.g. PORT=3000');
    expect(message).toContain('LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent');
    expect(message).toContain('SLACK_BOT_TOKEN (set, 22 characters) must be a bot token starting xoxb-');
    expect(message).toContain('SLACK_SIGNING_SECRET is required in HTTP mode');
    expect(message).toContain('SLACK_APPROVERS="bob" must list Slack user IDs');
    expect(message).toContain('SLACK_API_URL="ftp://slack" must be an http(s) URL');
    expect(message).toContain('OOM_CHECK_MAX_MEMORY_LIMIT="4GB" must be a positive Kubernetes memory quantity');
    expect(message).toContain('OOM_CHECK_NAMESPACES="Shop" must be namespace names');
    expect(message).not.toContain('xoxp-user-token-secret');
  });

  test('a missing required variable says where to find it', () => {
    const message = problemsOf({}, ['slack']);
    expect(message).toContain('SLACK_BOT_TOKEN is required: the bot token from the Slack app page "OAuth & Permissions"');
    expect(message).toContain('SLACK_APPROVERS is required: without approvers nobody could approve a patch');
  });

  test('each command checks only the sections it needs', () => {
    expect(() => loadConfig({ PORT: 'abc', SLACK_BOT_TOKEN: 'nope' }, ['store'])).not.toThrow();
  });

  test.each(['-1', '65536', '80.5'])('PORT=%s is refused', (port) => {
    expect(problemsOf({ PORT: port }, ['server'])).toContain(`PORT="${port}" must be a whole number`);
  });

  test('OOM_CHECK_CLUSTERS maps names to contexts; a bare context is its own name', () => {
    expect(loadConfig({ OOM_CHECK_CLUSTERS: 'a=ctx-a, b = ctx-b,kind-dev' }, ['cluster']).cluster.clusters).toEqual([
      { name: 'a', context: 'ctx-a' },
      { name: 'b', context: 'ctx-b' },
      { name: 'kind-dev', context: 'kind-dev' },
    ]);
    expect(loadConfig({ OOM_CHECK_CLUSTERS: 'prod=arn:aws:eks:eu-west-1:123456789012:cluster/prod' }, ['cluster']).cluster.clusters).toEqual([{ name: 'prod', context: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod' }]);
  });

  test.each([
    ['a=ctx-a,,b=ctx-b', 'OOM_CHECK_CLUSTERS="a=ctx-a,,b=ctx-b" has an empty entry (two commas, or one at an end)'],
    ['a=', 'entry "a=" is not name=context'],
    ['a=b=c', 'entry "a=b=c" is not name=context'],
    ['pr/od=ctx', 'entry "pr/od=ctx": "pr/od" is not a cluster name'],
    ['arn:aws:eks:eu-west-1:1:cluster/prod', 'is not a cluster name (letters, digits, ".", "_" and "-"'],
    ['a=ctx-a,a=ctx-b', 'names the cluster "a" twice'],
    ['a=ctx,b=ctx', 'lists the context "ctx" twice (as a and b)'],
  ])('OOM_CHECK_CLUSTERS=%p is refused: %s', (value, problem) => {
    expect(problemsOf({ OOM_CHECK_CLUSTERS: value }, ['cluster'])).toContain(problem);
  });

  test('KUBE_CONTEXT and OOM_CHECK_CLUSTERS are not set together', () => {
    expect(problemsOf({ OOM_CHECK_CLUSTERS: 'a=ctx-a', KUBE_CONTEXT: 'ctx-b' }, ['cluster'])).toContain('KUBE_CONTEXT="ctx-b" cannot be used with OOM_CHECK_CLUSTERS');
  });

  test('the Lease: defaults, and every variable checked', () => {
    expect(loadConfig({}, ['lease']).lease).toEqual({ enabled: true, name: 'oom-check', namespace: null, durationSeconds: 15 });
    expect(loadConfig({ OOM_CHECK_LEASE: 'off', OOM_CHECK_LEASE_NAME: 'bot.leader', OOM_CHECK_LEASE_NAMESPACE: 'ops', OOM_CHECK_LEASE_DURATION: '2m' }, ['lease']).lease).toEqual({ enabled: false, name: 'bot.leader', namespace: 'ops', durationSeconds: 120 });
    const problems = problemsOf({ OOM_CHECK_LEASE: 'yes', OOM_CHECK_LEASE_NAME: 'Bot', OOM_CHECK_LEASE_NAMESPACE: 'Ops', OOM_CHECK_LEASE_DURATION: '500ms' }, ['lease']);
    expect(problems).toContain('OOM_CHECK_LEASE="yes" must be on or off');
    expect(problems).toContain('OOM_CHECK_LEASE_NAME="Bot" must be a Lease name');
    expect(problems).toContain('OOM_CHECK_LEASE_NAMESPACE="Ops" must be a namespace name');
    expect(problems).toContain('OOM_CHECK_LEASE_DURATION="500ms" must be whole seconds or minutes from 1s to 5m');
    expect(problemsOf({ OOM_CHECK_LEASE_DURATION: '6m' }, ['lease'])).toContain('from 1s to 5m');
  });

  test('OOM_CHECK_API_TIMEOUT sets every request deadline and the watch idle timeout', () => {
    expect(loadConfig({ OOM_CHECK_API_TIMEOUT: '500ms' }, ['cluster']).cluster.timeouts).toEqual({ requestMs: 500, watchIdleMs: 1500 });
    expect(loadConfig({ OOM_CHECK_API_TIMEOUT: '2m' }, ['cluster']).cluster.timeouts.requestMs).toBe(120_000);
    for (const bad of ['0s', '10', '99ms', '6m', 'soon']) {
      expect(problemsOf({ OOM_CHECK_API_TIMEOUT: bad }, ['cluster'])).toContain(`OOM_CHECK_API_TIMEOUT="${bad}" must be a duration from 100ms to 5m`);
    }
  });

  test('storm mode and the pacing scale are configurable and validated', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APPROVERS: 'U012AB3CD' };
    expect(loadConfig({ ...base, OOM_CHECK_STORM_THRESHOLD: '20', OOM_CHECK_STORM_WINDOW: '2m', SLACK_RATE_SCALE: '10' }, ['slack']).slack).toMatchObject({ storm: { threshold: 20, windowMs: 120_000 }, rateScale: 10 });
    expect(loadConfig({ ...base, OOM_CHECK_STORM_THRESHOLD: 'off' }, ['slack']).slack.storm).toBeNull();
    for (const bad of ['0', '-3', 'many', '2.5']) expect(problemsOf({ ...base, OOM_CHECK_STORM_THRESHOLD: bad }, ['slack'])).toContain(`OOM_CHECK_STORM_THRESHOLD="${bad}" must be a whole number of incidents from 1 to 10000`);
    for (const bad of ['5', '9s', '2d']) expect(problemsOf({ ...base, OOM_CHECK_STORM_WINDOW: bad }, ['slack'])).toContain(`OOM_CHECK_STORM_WINDOW="${bad}" must be a duration from 10s to 24h`);
    expect(problemsOf({ ...base, SLACK_RATE_SCALE: '0' }, ['slack'])).toContain('SLACK_RATE_SCALE="0" must be above 0');
  });

  test('the webhook is closed without credentials unless explicitly insecure; names, labels and schedules are validated', () => {
    expect(loadConfig({}, ['alertmanager']).alertmanager.enabled).toBe(false);
    const config = loadConfig(
      { ALERTMANAGER_BEARER_TOKEN: 's3cret-token', OOM_CHECK_ALERT_NAMES: 'MyOOM', OOM_CHECK_ALERT_LABELS: 'pod=pod_name, namespace=exported_namespace', OOM_CHECK_SWEEP_SCHEDULE: 'off' },
      ['alertmanager', 'schedule'],
    );
    expect(config.alertmanager).toMatchObject({ alertNames: ['MyOOM'], labels: { namespace: 'exported_namespace', pod: 'pod_name', container: 'container' } });
    expect(config.schedule).toEqual({ sweep: null, watch: true });
    const message = problemsOf(
      { ALERTMANAGER_INSECURE: 'yes', OOM_CHECK_ALERT_LABELS: 'node=x', OOM_CHECK_SWEEP_SCHEDULE: 'every minute', OOM_CHECK_REMIND_AFTER: '10 minutes' },
      ['alertmanager', 'schedule', 'escalation'],
    );
    expect(message).toContain('ALERTMANAGER_INSECURE="yes" must be true or false');
    expect(message).toContain('OOM_CHECK_ALERT_LABELS="node=x" must map namespace, pod, container and cluster to label names');
    expect(message).toContain('OOM_CHECK_SWEEP_SCHEDULE="every minute" must be a cron expression');
    expect(message).toContain('OOM_CHECK_REMIND_AFTER="10 minutes" must be a duration such as 90s, 10m or 1h, or off');
  });

  test('ALERTMANAGER_BASIC_AUTH without a password is refused without echoing it', () => {
    const message = problemsOf({ ALERTMANAGER_BASIC_AUTH: 'onlyuser', ALERTMANAGER_INSECURE: 'true' }, ['alertmanager']);
    expect(message).toContain('ALERTMANAGER_BASIC_AUTH (set, 8 characters) must be user:password');
    expect(message).not.toContain('onlyuser');
  });
});
