import { defineConfig } from "vitest/config";

// unit: pure logic, no Docker. integration: real Docker engine and lab. e2e: the built CLI.
// Docker suites share one engine and one lab subnet, so they run one file at a time.
export default defineConfig({
  test: {
    // Docker suites time failovers: running them beside each other would skew the figures.
    fileParallelism: false,
    projects: [
      { test: { name: "unit", include: ["src/**/*.test.ts", "test/unit/**/*.test.ts"] } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
