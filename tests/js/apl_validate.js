// Runs Amazon's apl-suggester on every (document, data sources) pair in a JSON file and prints,
// as JSON, every finding at any level: what validate() and validateDataSources() return, every
// validation error the validator raises through its ErrorController (an unknown component type,
// a package it cannot fetch...), and what it writes to the console.
// Usage: node tests/js/apl_validate.js CASES.json   (CASES: [{"name", "document", "datasources"}])
// alexa-layouts is declared from tests/js/alexa-layouts-declared.json: offline, the validator
// cannot download Amazon's package, and without it every Alexa* component would be unknown.
"use strict";

const fs = require("fs");
const path = require("path");
const { StaticAplTemplateValidator, ErrorController } = require("apl-suggester");
const { ThirdPartyComponentLoader } = require("apl-suggester/dist/src/util/ThirdPartyComponentsLoader");

const declared = JSON.parse(fs.readFileSync(path.join(__dirname, "alexa-layouts-declared.json"), "utf8"));
const raised = [];
const errors = ErrorController.getInstance();
errors.registerErrors();
errors.setErrorInterface({
  sendError: (error) => raised.push({ code: error.code, level: error.level || "ERROR", placeholders: JSON.parse(JSON.stringify(error.placeholders || {}, (k, v) => (k === "item" ? undefined : v))) }),
});
const consoleNotes = [];
for (const level of ["log", "info", "warn", "error"]) {
  console[level] = (...args) => consoleNotes.push({ level, text: args.map(String).join(" ") });
}

function declare(doc) {
  const loader = ThirdPartyComponentLoader.getInstance();
  for (const pkg of doc.import || []) {
    if (pkg.name === "alexa-layouts") {
      loader.packageToComponentPromiseMap.set(`${pkg.name}_${pkg.version}`, Promise.resolve([{ name: pkg.name, json: declared }]));
    }
  }
}

async function main() {
  const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const results = [];
  for (const item of cases) {
    declare(item.document);
    const validator = new StaticAplTemplateValidator();
    const documentFindings = await validator.validate(item.document);
    const dataFindings = await validator.validateDataSources(item.datasources || {});
    results.push({ name: item.name, document: documentFindings, datasources: dataFindings, raised: raised.splice(0) });
  }
  process.stdout.write(JSON.stringify({ results, console: consoleNotes }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(2);
});
