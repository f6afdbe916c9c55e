import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one (a single worker on a 2-core machine); most
    // files wait on sockets, child processes or the browser, so two run side by side on two cores.
    maxWorkers: 2,
  },
});
