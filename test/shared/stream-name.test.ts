import { describe, expect, it } from 'vitest';
import { nodeFromStreamName, streamCarriesKernelLog } from '../../shared/stream-name.ts';

const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

describe('nodeFromStreamName', () => {
  it.each([
    ['Container Insights host messages', `${NODE}.host.messages`, NODE],
    ['Container Insights host dmesg', `${NODE}.host.dmesg`, NODE],
    ['Container Insights host secure', `${NODE}.host.secure`, NODE],
    ['this project, suffix form', `${NODE}.kernel`, NODE],
    ['this project, prefix form', `kernel.${NODE}`, NODE],
    [
      'a resource-name node',
      'i-0123456789abcdef0.eu-west-1.compute.internal.host.dmesg',
      'i-0123456789abcdef0.eu-west-1.compute.internal',
    ],
  ])('%s: %s → the node', (_shape, stream, node) => {
    expect(nodeFromStreamName(stream)).toBe(node);
  });

  it.each([
    ['the bare node name (the caller falls back to the record host, then the stream)', NODE],
    ['the Fluent Bit sample stream', 'node-kernel'],
    ['a stream that only ends like a shape', `${NODE}.host.messages.1`],
    ['an empty node before the suffix', '.kernel'],
    ['an empty node after the prefix', 'kernel.'],
  ])('%s: %s → null', (_shape, stream) => {
    expect(nodeFromStreamName(stream)).toBeNull();
  });
});

describe('streamCarriesKernelLog', () => {
  it('is false only for the Container Insights auth log', () => {
    expect(streamCarriesKernelLog(`${NODE}.host.secure`)).toBe(false);
    expect(streamCarriesKernelLog(`${NODE}.host.messages`)).toBe(true);
    expect(streamCarriesKernelLog(`${NODE}.host.dmesg`)).toBe(true);
    expect(streamCarriesKernelLog(`${NODE}.kernel`)).toBe(true);
    expect(streamCarriesKernelLog(NODE)).toBe(true);
  });
});
