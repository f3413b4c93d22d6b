/**
 * How long after its kernel line a kill's SNS publish comes, at most: `replay --dry-run --timings` of one pod's
 * kill, its pod looked up over HTTPS in the Kubernetes API stand-in (test/integration/k8s-api-standin.ts)
 * through client-node as enrich does it. The steps are measured (on loopback: no network latency, but a
 * cold client and a real TLS handshake); the waits are the stack's (cli/replay/replay-timings.ts). Prints
 * figures; not a test.
 *
 * Run: node bench/pipeline-latency.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KubeApiStandin } from '../test/integration/k8s-api-standin.ts';
import { CONTAINER_ID, NODE, oomEvent, podJson } from '../test/fixtures/kubernetes-objects.ts';
import { PIPELINE_WAITS } from '../shared/pipeline-waits.ts';

const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, '.bench', 'latency');
const TOKEN = 'bench-token';
/** What the stack waited before enrich, before the wait for the kubelet moved into it: a fixed SQS delay. */
const FORMER_DELAY_SECONDS = 30;

/** One memcg kill of the fixture pod's container, as journald hands the kernel lines to Fluent Bit. */
function killBody(at: number): object {
  const memcg = oomEvent().cgroup.oom as string;
  const lines = [
    'php-fpm invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999',
    'memory: usage 524288kB, limit 524288kB, failcnt 412',
    `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-${CONTAINER_ID}.scope,mems_allowed=0,oom_memcg=${memcg},task_memcg=${memcg},task=php-fpm,pid=48213,uid=33`,
    'Memory cgroup out of memory: Killed process 48213 (php-fpm) total-vm:812340kB, anon-rss:512004kB, file-rss:1204kB, shmem-rss:0kB, UID:33 pgtables:1196kB oom_score_adj:999',
  ];
  return {
    logGroupName: '/eks-oom-alerts/bench/kernel',
    logStreamName: `${NODE}.kernel`,
    logEvents: lines.map((message, i) => ({ timestamp: at + i, message })),
  };
}

function kubeconfig(api: KubeApiStandin): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bench', cluster: { server: api.url, 'certificate-authority-data': api.caData } }],
    users: [{ name: 'bench', user: { token: TOKEN } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench' } }],
    'current-context': 'bench',
  });
}

const api = await KubeApiStandin.start({ acceptsToken: (token) => token === TOKEN });
api.pods = [podJson()];
mkdirSync(DIR, { recursive: true });
const input = join(DIR, 'kill.jsonl');
const config = join(DIR, 'kubeconfig');
writeFileSync(input, `${JSON.stringify(killBody(Date.now() - 60_000))}\n`);
writeFileSync(config, kubeconfig(api));

// Asynchronous: the stand-in answers from this process.
const replay = spawn(
  process.execPath,
  [join(ROOT, 'cli', 'bin.ts'), 'replay', '--dry-run', '--timings', '--kubeconfig', config, input],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
let stderr = '';
replay.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
const [code] = (await once(replay, 'close')) as [number | null];
await api.stop();
if (code !== 0) throw new Error(`replay exited with ${code}: ${stderr}`);

const former =
  PIPELINE_WAITS.shipFlushSeconds + FORMER_DELAY_SECONDS + PIPELINE_WAITS.enrichBatchWindowSeconds;
console.log(
  'latency, kernel line → SNS publish (replay --dry-run --timings, pod read from the HTTPS stand-in):',
);
for (const line of stderr.split('\n').filter((l) => l.startsWith('replay: '))) console.log(`  ${line}`);
console.log(
  `  before the wait for the kubelet moved into enrich: at most ${former} s plus the steps (Fluent Bit flush ` +
    `${PIPELINE_WAITS.shipFlushSeconds} s, SQS delay ${FORMER_DELAY_SECONDS} s, batch window ${PIPELINE_WAITS.enrichBatchWindowSeconds} s); no goal was set`,
);
console.log(`  API requests to the stand-in: ${api.requests.length}`);
