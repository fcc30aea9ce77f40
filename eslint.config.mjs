import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "policies/node_modules/", "bin/", "plan-out/", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // The mock monitor and policy arguments are untyped protobuf and JSON; `any` is confined there.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "no-constant-condition": ["error", { checkLoops: false }],
            // Pulumi programs are CommonJS `export =` functions; `import x = require()` is how they are imported.
            "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
        },
    },
);
