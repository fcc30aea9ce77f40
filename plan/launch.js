// `npm run plan` and `npm run bench`: bundle the TypeScript entry point with esbuild (the compiler tsx
// itself uses; about 0.1 s) and run the bundle with plain Node. Loading ~60 TypeScript files through a
// require hook costs the plan more than planning four stacks does; see README, "Offline plan".
"use strict";
const path = require("path");
const esbuild = require("esbuild");

const [entry, ...args] = process.argv.slice(2);
const name = path.basename(entry, ".ts");
const outfile = path.join(__dirname, "..", "bin", `${name}.js`);
esbuild.buildSync({
    entryPoints: [path.join(__dirname, `${name}.ts`)],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
});
require(outfile).run(args);
