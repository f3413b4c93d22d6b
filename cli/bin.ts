/**
 * The `eks-oom-alerts` executable: the one file that touches `process`. It hands argv and the real I/O to
 * the pure core and exits with the code the core returns. Ctrl-C asks the running command to end cleanly;
 * a second Ctrl-C exits at once.
 */
import { setFlagsFromString } from 'node:v8';
import { EXIT } from './command.ts';
import { favoursMemory, needsNode22, outputFailure, runCli } from './main.ts';
import { nodeFileSystem, sleep, stdinProblem, streamReader } from './node-io.ts';

const interrupted = new AbortController();
process.once('SIGINT', () => {
  interrupted.abort();
  process.once('SIGINT', () => process.exit(130));
});
// `scan … | head` (or `2>&1 | head`): the reader went away; there is no one left to tell.
const readerGone = (error: NodeJS.ErrnoException): boolean => error.code === 'EPIPE';
// Any other failed write (a full disk, EIO, a quota): the output is lost, so the command ends, saying why.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (readerGone(error)) process.exit(EXIT.ok);
  process.stderr.write(outputFailure(process.argv.slice(2), error));
  process.exit(EXIT.failure);
});
// stderr itself failed: nothing is left to say it on.
process.stderr.on('error', (error: NodeJS.ErrnoException) =>
  process.exit(readerGone(error) ? EXIT.ok : EXIT.failure),
);

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const needing22 = NODE_MAJOR < 22 ? needsNode22(process.argv.slice(2)) : null;
if (needing22 !== null) {
  process.stderr.write(
    `eks-oom-alerts ${needing22} needs Node.js 22 or later (this is ${process.version}): the Kubernetes client it loads does. In the repo, npx runs it with Node 24.\n`,
  );
  process.exit(2);
}

// Before the command allocates: V8 reads the flag as it sizes its heap's generations.
if (favoursMemory(process.argv.slice(2), process.execArgv)) setFlagsFromString('--optimize-for-size');

const unreadableStdin = stdinProblem();
const code = await runCli(process.argv.slice(2), {
  stdin: {
    reader: streamReader(process.stdin),
    isTTY: process.stdin.isTTY === true,
    ...(unreadableStdin === undefined ? {} : { unreadable: unreadableStdin }),
  },
  stdout: process.stdout,
  stderr: process.stderr,
  fs: nodeFileSystem,
  now: Date.now,
  sleep,
  signal: interrupted.signal,
  async connectCluster(target, onFailedAttempt) {
    // @kubernetes/client-node 2 loads undici 7, which needs Node.js 22: say so rather than crash.
    if (NODE_MAJOR < 22) {
      return {
        ok: false,
        reason: `talking to the cluster needs Node.js 22 or later (this is ${process.version}); in the repo, npx runs it with Node 24`,
      };
    }
    // Loaded only when asked for: the Kubernetes client is large and most scans never need it.
    const { createResolverFromKubeconfig } = await import('../adapters/kubernetes/kube-client.ts');
    return createResolverFromKubeconfig(target, { onFailedAttempt });
  },
});
// Exit once output is flushed: stdin or a followed device may still hold the event loop open.
process.stdout.write('', () => process.exit(code));
