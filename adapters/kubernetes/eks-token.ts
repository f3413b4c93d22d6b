/**
 * The EKS bearer token, made the way `aws eks get-token` makes it: a presigned STS GetCallerIdentity URL
 * with the cluster name signed in as the `x-k8s-aws-id` header, base64url-encoded behind `k8s-aws-v1.`.
 * The API server's authenticator replays the URL to STS to learn the caller's IAM identity.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
/**
 * The authenticator accepts a token for 15 minutes from its signing time. `aws eks get-token` reports 14;
 * one more minute covers clock skew between the Lambda and the API server.
 */
export const TOKEN_REFRESH_AFTER_MS = 13 * 60_000;
// As aws-iam-authenticator signs it; the authenticator ignores it and applies its own 15 minutes.
const PRESIGN_EXPIRES_SECONDS = 60;

export interface TokenSigning {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
}

/** The regional STS endpoint; China regions live in their own partition's domain. */
export function stsHostname(region: string): string {
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

// RFC 3986 unreserved characters stay; everything else is percent-encoded, as SigV4 expects.
function encodeQueryPart(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export async function presignCallerIdentityUrl(signing: TokenSigning, signingDate: Date): Promise<string> {
  const hostname = stsHostname(signing.region);
  const signer = new SignatureV4({
    credentials: signing.credentials,
    region: signing.region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': signing.clusterName },
    },
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate },
  );
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([key, value]) =>
      Array.isArray(value) ? value.map((v) => [key, v] as const) : [[key, value] as const],
    )
    .filter((pair): pair is readonly [string, string] => typeof pair[1] === 'string')
    .map(([key, value]) => `${encodeQueryPart(key)}=${encodeQueryPart(value)}`)
    .join('&');
  return `https://${hostname}/?${query}`;
}

/** `k8s-aws-v1.` + base64url of the URL, without padding (the authenticator rejects `=`). */
export function tokenFromPresignedUrl(url: string): string {
  return TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

export interface EksTokenSource {
  token(): Promise<string>;
  /** Drops the token in use, so that the next request signs a fresh one (after a 401). */
  renew(): void;
}

/** A token per cluster, reused until it nears the end of its 15 minutes, or until it is renewed. */
export function createEksTokenSource(signing: TokenSigning, now: () => number = Date.now): EksTokenSource {
  let current: { token: Promise<string>; signedAt: number } | null = null;
  return {
    renew() {
      current = null;
    },
    token() {
      const at = now();
      if (current === null || at - current.signedAt >= TOKEN_REFRESH_AFTER_MS) {
        const token = presignCallerIdentityUrl(signing, new Date(at)).then(tokenFromPresignedUrl);
        const made = { token, signedAt: at };
        current = made;
        // A failed signing (no credentials yet) must not be served again.
        token.catch(() => {
          if (current === made) current = null;
        });
      }
      return current.token;
    },
  };
}
