import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["**/*.mjs"],
    languageOptions: { globals: globals.node, ecmaVersion: 2022, sourceType: "module" },
  },
  { ignores: ["node_modules/"] },
];
