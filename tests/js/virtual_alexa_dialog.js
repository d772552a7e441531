#!/usr/bin/env node
// Drive a running skill endpoint with virtual-alexa (Bespoken's simulator).
// Usage: node virtual_alexa_dialog.js SKILL_URL MODEL_JSON APPLICATION_ID STEPS_JSON
// STEPS_JSON is a list of steps: ["launch"], ["utter", "text"], ["intend", "Name", {slot: "value"}].
// Prints one JSON object: {"turns": [{"step", "request", "response"}...]} on stdout.
"use strict";

const { VirtualAlexa } = require("virtual-alexa");

async function main() {
  const [skillURL, modelPath, applicationID, stepsJSON] = process.argv.slice(2);
  const alexa = VirtualAlexa.Builder()
    .skillURL(skillURL)
    .interactionModelFile(modelPath)
    .applicationID(applicationID)
    .locale("en-US")
    .create();
  let lastRequest = null;
  alexa.filter((request) => {
    lastRequest = JSON.parse(JSON.stringify(request));
  });
  const turns = [];
  for (const step of JSON.parse(stepsJSON)) {
    const [kind, ...args] = step;
    let response;
    if (kind === "launch") response = await alexa.launch();
    else if (kind === "utter") response = await alexa.utter(args[0]);
    else if (kind === "intend") response = await alexa.intend(args[0], args[1] || {});
    else throw new Error(`unknown step ${kind}`);
    turns.push({ step, request: lastRequest, response: JSON.parse(JSON.stringify(response)) });
  }
  process.stdout.write(JSON.stringify({ turns }));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
