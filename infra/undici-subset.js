/**
 * What @kubernetes/client-node takes from undici, for the function bundles only (infra/lambda-bundling.ts
 * aliases `undici` here): fetch and Agent. undici's own index loads all of undici (mock agents, caches,
 * cookies, WebSocket, EventSource, interceptors), CommonJS that esbuild cannot trim. The paths are undici's
 * files in the project's node_modules. ProxyAgent is a stand-in: a function's kubeconfig has no proxy.
 */
export { default as Agent } from '../node_modules/undici/lib/dispatcher/agent.js';
export { fetch } from '../node_modules/undici/lib/web/fetch/index.js';
export { ProxyAgent } from './lambda-stand-ins.js';
