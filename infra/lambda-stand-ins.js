/**
 * What the function bundles hold in place of the packages @kubernetes/client-node imports for kubeconfig
 * features that the functions never reach (infra/lambda-bundling.ts aliases them here): proxies (socks,
 * socks-proxy-agent, hpagent, undici's ProxyAgent), the gcp, azure and oidc auth-provider plugins
 * (jsonpath-plus, openid-client) and kubeconfig files (js-yaml). A function's kubeconfig is built in code
 * (adapters/kubernetes/kube-client.ts): an endpoint, its CA and a bearer token from an authenticator, no
 * proxy-url, no auth-provider, no file. Each name throws if it is ever used, saying so; the CLI, built
 * apart, keeps them all.
 */
function unbundled(name) {
  return () => {
    throw new Error(`${name} is not in the Lambda bundles (infra/lambda-stand-ins.js)`);
  };
}

function unbundledClass(name) {
  const fail = unbundled(name);
  return class {
    constructor() {
      fail();
    }
  };
}

export const SocksClient = { createConnection: unbundled('socks') };
export const SocksProxyAgent = unbundledClass('socks-proxy-agent');
export const HttpProxyAgent = unbundledClass('hpagent');
export const HttpsProxyAgent = unbundledClass('hpagent');
export const ProxyAgent = unbundledClass("undici's ProxyAgent");
export const JSONPath = unbundled('jsonpath-plus');
export const discovery = unbundled('openid-client');
export const refreshTokenGrant = unbundled('openid-client');
export const customFetch = Symbol('openid-client customFetch');
export const load = unbundled('js-yaml');
