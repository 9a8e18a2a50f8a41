// Type-aware linting: an un-awaited restore is the worst bug a chaos tool can have,
// so no-floating-promises and no-misused-promises are errors.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { floorsPlugin } from "./eslint/floors.js";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "reports/", "lab/", ".scratch/", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/targets/docker/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: [
        { name: "dockerode", message: "Only src/targets/docker/ talks to the Docker engine." },
        { name: "testcontainers", message: "Only src/targets/docker/ talks to the Docker engine." },
      ] }],
    },
  },
  {
    // Folders stand on floors: nothing imports a folder above it (eslint/floors.js). Tests may build
    // their fixtures from any floor; what ships may not.
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    plugins: { floors: floorsPlugin },
    rules: { "floors/floors": "error" },
  },
  { files: ["eslint.config.js", "eslint/**/*.js"], ...tseslint.configs.disableTypeChecked },
);
