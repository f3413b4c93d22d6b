/**
 * A Kubernetes API server stand-in on 127.0.0.1 for the enrich tests, spoken to through the real
 * @kubernetes/client-node: HTTPS with a CA made at start-up (handed to the client as the cluster CA),
 * bearer-token checking, the list and read endpoints enrichment uses with the API server's own rules
 * (field selectors, `limit`/`continue`, no `resourceVersion` together with `continue`), Event creation
 * (events.k8s.io/v1) with the checks the API server makes, and faults on demand.
 * It counts every request so tests can hold the lookup to its budget.
 */
import { createServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | null;
}

export interface Fault {
  /** Applies to requests whose path starts with this; every request when absent. */
  pathPrefix?: string;
  /** Answer with this status and a Kubernetes Status body. */
  status?: number;
  retryAfter?: string;
  /** Never answer (the client's timeout has to give up). */
  hang?: boolean;
  /** Answer normally, after this long. */
  delayMs?: number;
}

export interface StandinOptions {
  /** Which bearer tokens are let in. */
  acceptsToken: (token: string) => boolean;
  /** The most items a page holds, whatever `limit` asks. */
  maxPageSize?: number;
}

type KubeObject = { metadata: { name: string; namespace: string; uid?: string } } & Record<string, unknown>;
type NodeObject = {
  metadata: { name: string; creationTimestamp?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

const HTTP_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'AlreadyExists',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

export async function makeTestCa(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const ca = await generate([{ name: 'commonName', value: 'eks-oom-alerts test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

export class KubeApiStandin {
  readonly requests: RecordedRequest[] = [];
  pods: KubeObject[] = [];
  events: KubeObject[] = [];
  replicaSets: KubeObject[] = [];
  jobs: KubeObject[] = [];
  nodes: NodeObject[] = [];
  /** Events created through events.k8s.io/v1, as the API server stored them. */
  createdEvents: KubeObject[] = [];
  readonly #faults: Fault[] = [];
  readonly #server: Server;
  readonly #options: StandinOptions;
  readonly #hanging = new Set<ServerResponse>();
  readonly caPem: string;
  url = '';

  private constructor(server: Server, caPem: string, options: StandinOptions) {
    this.#server = server;
    this.caPem = caPem;
    this.#options = options;
  }

  static async start(options: StandinOptions): Promise<KubeApiStandin> {
    const tls = await makeTestCa();
    let standin: KubeApiStandin | null = null;
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) =>
      standin?.handle(req, res),
    );
    standin = new KubeApiStandin(server, tls.caPem, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standin.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return standin;
  }

  /** The CA as a kubeconfig's `certificate-authority-data` and DescribeCluster hold it. */
  get caData(): string {
    return Buffer.from(this.caPem).toString('base64');
  }

  /** Faults are used up in order, each by the first request it applies to. */
  inject(...faults: Fault[]): void {
    this.#faults.push(...faults);
  }

  /** Back to an empty cluster: no objects, no faults, no recorded requests. */
  reset(): void {
    this.requests.length = 0;
    this.#faults.length = 0;
    this.pods = [];
    this.events = [];
    this.replicaSets = [];
    this.jobs = [];
    this.nodes = [];
    this.createdEvents = [];
  }

  requestsTo(pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://standin');
    const authorization = req.headers.authorization ?? null;
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization,
    });

    const token =
      authorization?.startsWith('Bearer ') === true ? authorization.slice('Bearer '.length) : null;
    if (token === null || !this.#options.acceptsToken(token)) return this.status(res, 401, 'Unauthorized');

    const faultIndex = this.#faults.findIndex(
      (f) => f.pathPrefix === undefined || url.pathname.startsWith(f.pathPrefix),
    );
    const fault = faultIndex === -1 ? undefined : this.#faults.splice(faultIndex, 1)[0];
    if (fault?.hang === true) {
      this.#hanging.add(res);
      return;
    }
    if (fault?.status !== undefined) {
      if (fault.retryAfter !== undefined) res.setHeader('Retry-After', fault.retryAfter);
      return this.status(res, fault.status, `injected ${fault.status}`);
    }
    if (fault?.delayMs !== undefined) {
      setTimeout(() => this.route(url, req, res), fault.delayMs);
      return;
    }
    this.route(url, req, res);
  }

  private route(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const path = url.pathname;
    const create = /^\/apis\/events\.k8s\.io\/v1\/namespaces\/([^/]+)\/events$/.exec(path);
    if (create !== null && req.method === 'POST') {
      void this.createEvent(create[1] as string, req, res);
      return;
    }
    if (path === '/api/v1/pods') return this.listPods(url.searchParams, res);
    if (path === '/api/v1/events') return this.listEvents(url.searchParams, res);
    if (path === '/api/v1/nodes') return this.listNodes(url.searchParams, res);
    const read = /^\/apis\/(apps|batch)\/v1\/namespaces\/([^/]+)\/(replicasets|jobs)\/([^/]+)$/.exec(path);
    if (read !== null) {
      const [, , namespace, resource, name] = read;
      const store = resource === 'replicasets' ? this.replicaSets : this.jobs;
      const found = store.find((o) => o.metadata.namespace === namespace && o.metadata.name === name);
      if (found === undefined) return this.status(res, 404, `${resource} "${name}" not found`);
      return this.json(res, 200, found);
    }
    this.status(res, 404, `the stand-in does not serve ${path}`);
  }

  private listPods(query: URLSearchParams, res: ServerResponse): void {
    const selector = query.get('fieldSelector') ?? '';
    const node = /^spec\.nodeName=([^,]+)$/.exec(selector)?.[1];
    // Enrichment must never list the whole cluster: refuse it loudly.
    if (node === undefined)
      return this.status(res, 400, `the stand-in refuses pod lists without spec.nodeName: "${selector}"`);
    const cont = query.get('continue');
    if (cont !== null && query.get('resourceVersion') !== null) {
      return this.status(res, 400, 'specifying resource version is not allowed when using continue');
    }
    const onNode = this.pods.filter(
      (p) => (p['spec'] as { nodeName?: string } | undefined)?.nodeName === node,
    );
    const offset = cont === null ? 0 : Number(Buffer.from(cont, 'base64url').toString());
    const limit = Number(query.get('limit') ?? onNode.length) || onNode.length;
    const size = Math.min(limit, this.#options.maxPageSize ?? limit);
    const items = onNode.slice(offset, offset + size);
    const next =
      offset + size < onNode.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
    this.json(res, 200, {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '100', ...(next === undefined ? {} : { continue: next }) },
      items,
    });
  }

  /** Nodes by pages, with the same `limit`/`continue` rules as pods. */
  private listNodes(query: URLSearchParams, res: ServerResponse): void {
    const cont = query.get('continue');
    if (cont !== null && query.get('resourceVersion') !== null) {
      return this.status(res, 400, 'specifying resource version is not allowed when using continue');
    }
    const offset = cont === null ? 0 : Number(Buffer.from(cont, 'base64url').toString());
    const limit = Number(query.get('limit') ?? this.nodes.length) || this.nodes.length;
    const size = Math.min(limit, this.#options.maxPageSize ?? limit);
    const next =
      offset + size < this.nodes.length
        ? Buffer.from(String(offset + size)).toString('base64url')
        : undefined;
    this.json(res, 200, {
      kind: 'NodeList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '100', ...(next === undefined ? {} : { continue: next }) },
      items: this.nodes.slice(offset, offset + size),
    });
  }

  /**
   * events.k8s.io/v1 create, with the API server's checks on what a client gets wrong: the fields the API
   * requires, eventTime as MicroTime (exactly six decimals), the note's 1 kB, the namespace of the path on
   * the Event and on what it is about, and a name taken already (409).
   */
  private async createEvent(namespace: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: KubeObject;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubeObject;
    } catch {
      return this.status(res, 400, 'the body is not JSON');
    }
    const problems = [
      body.apiVersion === 'events.k8s.io/v1' && body.kind === 'Event' ? null : 'apiVersion/kind',
      typeof body.metadata?.name === 'string' && body.metadata.name !== '' ? null : 'metadata.name',
      body.metadata?.namespace === namespace ? null : 'metadata.namespace',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String(body.eventTime)) ? null : 'eventTime',
      typeof body.reportingController === 'string' && body.reportingController.includes('/')
        ? null
        : 'reportingController',
      typeof body.reportingInstance === 'string' && body.reportingInstance !== ''
        ? null
        : 'reportingInstance',
      typeof body.action === 'string' && body.action !== '' ? null : 'action',
      body.type === 'Normal' || body.type === 'Warning' ? null : 'type',
      Buffer.byteLength(String(body.note ?? '')) <= 1024 ? null : 'note',
      (body.regarding as { namespace?: string } | undefined)?.namespace === namespace ? null : 'regarding',
    ].filter((problem) => problem !== null);
    if (problems.length > 0) return this.status(res, 422, `Event is invalid: ${problems.join(', ')}`);
    const taken = this.createdEvents.some(
      (e) => e.metadata.namespace === namespace && e.metadata.name === body.metadata.name,
    );
    if (taken) return this.status(res, 409, `events.events.k8s.io "${body.metadata.name}" already exists`);
    const stored = { ...body, metadata: { ...body.metadata, uid: `event-${this.createdEvents.length + 1}` } };
    this.createdEvents.push(stored);
    this.json(res, 201, stored);
  }

  private listEvents(query: URLSearchParams, res: ServerResponse): void {
    const uid = /^involvedObject\.uid=([^,]+)$/.exec(query.get('fieldSelector') ?? '')?.[1];
    if (uid === undefined)
      return this.status(res, 400, 'the stand-in serves events only by involvedObject.uid');
    const items = this.events.filter((e) => (e['involvedObject'] as { uid?: string }).uid === uid);
    this.json(res, 200, { kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: '100' }, items });
  }

  private status(res: ServerResponse, code: number, message: string): void {
    const reason = HTTP_REASONS[code] ?? 'Unknown';
    this.json(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    });
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
