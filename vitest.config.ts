import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // The real-kernel and HTTPS stand-in tests start processes and servers; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
