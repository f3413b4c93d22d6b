import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TOKEN_PREFIX,
  TOKEN_REFRESH_AFTER_MS,
  createEksTokenSource,
  presignCallerIdentityUrl,
  stsHostname,
  tokenFromPresignedUrl,
} from '../../../adapters/kubernetes/eks-token.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjE+session/token=',
};
const signing = {
  clusterName: 'prod-eu',
  region: 'eu-west-1',
  credentials: () => Promise.resolve(credentials),
};
const SIGNED_AT = new Date('2025-03-14T09:30:00.000Z');

/** SigV4 for a presigned GET, written out from the AWS specification, independently of @smithy/signature-v4. */
function expectedSignature(url: URL, headers: Record<string, string>): string {
  const rfc3986 = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = Object.keys(headers).sort();
  const canonicalRequest = [
    'GET',
    '/',
    query,
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const scope = `${date.slice(0, 8)}/eu-west-1/sts/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    date,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${credentials.secretAccessKey}`)
    .update(date.slice(0, 8))
    .digest();
  for (const part of ['eu-west-1', 'sts', 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('presignCallerIdentityUrl', () => {
  it('presigns GetCallerIdentity on the regional STS endpoint with x-k8s-aws-id signed, for 60 s', async () => {
    const url = new URL(await presignCallerIdentityUrl(signing, SIGNED_AT));
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20250314/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20250314T093000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': credentials.sessionToken,
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('carries the signature STS will recompute over host and x-k8s-aws-id', async () => {
    const url = new URL(await presignCallerIdentityUrl(signing, SIGNED_AT));
    const signature = expectedSignature(url, {
      host: 'sts.eu-west-1.amazonaws.com',
      'x-k8s-aws-id': 'prod-eu',
    });
    expect(url.searchParams.get('X-Amz-Signature')).toBe(signature);
    // Another cluster name gives another signature: the cluster is part of what is signed.
    expect(expectedSignature(url, { host: 'sts.eu-west-1.amazonaws.com', 'x-k8s-aws-id': 'other' })).not.toBe(
      signature,
    );
  });

  it('uses the China partition domain for cn- regions', () => {
    expect(stsHostname('cn-north-1')).toBe('sts.cn-north-1.amazonaws.com.cn');
    expect(stsHostname('us-gov-west-1')).toBe('sts.us-gov-west-1.amazonaws.com');
  });
});

describe('tokenFromPresignedUrl', () => {
  it('is k8s-aws-v1. + unpadded base64url of the URL', async () => {
    const url = await presignCallerIdentityUrl(signing, SIGNED_AT);
    const token = tokenFromPresignedUrl(url);
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    const encoded = token.slice(TOKEN_PREFIX.length);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(encoded, 'base64url').toString('utf8')).toBe(url);
  });
});

describe('createEksTokenSource', () => {
  it('reuses a token until its refresh time, then signs a new one', async () => {
    let now = SIGNED_AT.getTime();
    const source = createEksTokenSource(signing, () => now);
    const first = await source.token();
    now += TOKEN_REFRESH_AFTER_MS - 1;
    expect(await source.token()).toBe(first);
    now += 1;
    const second = await source.token();
    expect(second).not.toBe(first);
    const signedAt = new URL(
      Buffer.from(second.slice(TOKEN_PREFIX.length), 'base64url').toString(),
    ).searchParams.get('X-Amz-Date');
    expect(signedAt).toBe('20250314T094300Z');
    expect(TOKEN_REFRESH_AFTER_MS).toBeLessThan(15 * 60_000);
  });

  it('asks the credential provider again after a failure instead of caching it', async () => {
    let calls = 0;
    const flaky = () => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('no credentials yet')) : Promise.resolve(credentials);
    };
    const source = createEksTokenSource({ ...signing, credentials: flaky }, () => SIGNED_AT.getTime());
    await expect(source.token()).rejects.toThrow('no credentials yet');
    await expect(source.token()).resolves.toMatch(/^k8s-aws-v1\./);
    expect(calls).toBe(2);
  });
});
