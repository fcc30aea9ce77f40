// `npm run plan` and `npm run bench`: bundle the TypeScript entry point with esbuild (the compiler tsx
// itself uses; about 0.1 s) and run the bundle with plain Node. Loading ~60 TypeScript files through a
// require hook costs the plan more than planning four stacks does; see README, "Offline plan".
// The bundle is rebuilt only when a file it was built from (or this one, or the tsconfig) changed since.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
const name = path.basename(entry, ".ts");
const root = path.join(__dirname, "..");
const outdir = path.join(root, "bin");
const metafile = path.join(outdir, `${name}.inputs.json`);

/** Whether the last build of `name` is newer than everything it was built from. */
function fresh() {
    try {
        const { builtAt, inputs } = JSON.parse(fs.readFileSync(metafile, "utf8"));
        return [path.relative(root, __filename), "tsconfig.json", ...inputs]
            .every((input) => fs.statSync(path.join(root, input)).mtimeMs < builtAt);
    } catch {
        return false; // never built, or a file it was built from is gone
    }
}

if (!fresh()) {
    const builtAt = Date.now();
    const result = require("esbuild").buildSync({
        absWorkingDir: root,
        entryPoints: [path.join(__dirname, `${name}.ts`)],
        outdir,
        bundle: true,
        packages: "external",
        platform: "node",
        target: "node20",
        format: "cjs",
        logLevel: "warning",
        metafile: true,
    });
    fs.writeFileSync(metafile, JSON.stringify({ builtAt, inputs: Object.keys(result.metafile.inputs) }));
}
require(path.join(outdir, `${name}.js`)).run(args);
