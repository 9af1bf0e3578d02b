import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Unit tests sit beside the code
// (src/**/*.test.ts); integration and browser tests live in each package's test/.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['packages/gateway/test/support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
