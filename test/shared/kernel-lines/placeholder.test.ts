import { describe, expect, it } from 'vitest';
import { holdsPlaceholder } from '../../../shared/kernel-lines/placeholder.ts';

describe('holdsPlaceholder', () => {
  it.each([
    '0xcc0({flags})',
    '%#x(%pGg)',
    '%*pbl',
    '%s',
    '{}',
    '${gfp}',
    '<memcg>',
    '/docker/<容器>',
    '/kubepods/{pod}/{container}',
  ])('finds one in %s', (value) => {
    expect(holdsPlaceholder(value)).toBe(true);
  });

  it.each([
    '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO|GFP_VENDOR|0x80000000)',
    '0x140cca(...)',
    '0x62****(GFP_HIGHUSER_MOVABLE|__GFP_ZERO)',
    '3D0xcc0(GFP_KERNEL)',
    '0x0()',
    '(null)',
    '0-2,4',
    'CONSTRAINT_MEMCG',
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda8b8a570_9d92_4702_aac3_9264b667146c.slice',
    '/system.slice/docker-0123abcd.scope',
    '/user.slice/user-1000.slice/user@1000.service/app.slice',
  ])('finds none in the kernel’s %s', (value) => {
    expect(holdsPlaceholder(value)).toBe(false);
  });
});
